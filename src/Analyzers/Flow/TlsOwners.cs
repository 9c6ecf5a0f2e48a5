using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The compilation's own classes that keep a TLS stream in a field declared as an SslStream (theirs or a base
    /// class's): a driver's data stream, session or connection. Closing one closes a TLS connection; a read from one
    /// reads it. Declared types only: TLS003 looks at one try statement at a time and cannot wait for the flow model.
    /// </summary>
    internal sealed class TlsOwners
    {
        private readonly KnownSymbols _symbols;
        private readonly IAssemblySymbol _assembly;
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _owners = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);

        public TlsOwners(KnownSymbols symbols, IAssemblySymbol assembly)
        {
            _symbols = symbols;
            _assembly = assembly;
        }

        public bool IsOwner(ITypeSymbol? type) =>
            type is INamedTypeSymbol { TypeKind: TypeKind.Class } named
            && SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, _assembly)
            && !_symbols.IsSslStream(named)
            && _owners.GetOrAdd(named.OriginalDefinition, HoldsSslStream);

        private bool HoldsSslStream(INamedTypeSymbol type)
        {
            // Base classes of another assembly are not read: what they hold is theirs to close.
            for (var t = type; t != null && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, _assembly); t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IFieldSymbol { IsStatic: false } field && _symbols.IsSslStream(field.Type))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
