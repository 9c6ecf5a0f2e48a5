using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// Whether disposing an object of a type of the compilation may close a TLS stream: one of its fields holds one (the
    /// flow model's answer), or owns one, a few types deep (a payload handler whose byte handler holds the SslStream).
    /// An interface or abstract type answers for the types of the compilation that implement or derive from it. Used
    /// as a stop: a member disposed before the transport may have closed the TLS stream, and then nothing is claimed.
    /// </summary>
    internal sealed class TypeOwnership
    {
        private const int MaxDepth = 3;

        private readonly FlowModel _model;
        private readonly IAssemblySymbol _assembly;
        private readonly Dictionary<ITypeSymbol, bool> _answers = new Dictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        private Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>? _implementations;

        public TypeOwnership(FlowModel model, IAssemblySymbol assembly)
        {
            _model = model;
            _assembly = assembly;
        }

        public bool MayOwnTls(ITypeSymbol? type) => MayOwn(type, 0);

        private bool MayOwn(ITypeSymbol? type, int depth)
        {
            if (type is not INamedTypeSymbol named || depth > MaxDepth || !SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, _assembly))
            {
                return false;
            }

            named = named.OriginalDefinition;
            if (_answers.TryGetValue(named, out var known))
            {
                return known;
            }

            // Provisional no: a type that holds itself (a linked list of handlers) ends here.
            _answers[named] = false;
            var owns = false;
            if (named.TypeKind == TypeKind.Interface || named.IsAbstract)
            {
                foreach (var implementation in ImplementationsOf(named))
                {
                    owns |= !SymbolEqualityComparer.Default.Equals(implementation, named) && MayOwn(implementation, depth + 1);
                }
            }

            for (var t = named; t != null && !owns && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, _assembly); t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IFieldSymbol { IsStatic: false } field
                        && (_model.MayHoldTls(field) || (field.AssociatedSymbol is { } property && _model.MayHoldTls(property)) || MayOwn(field.Type, depth + 1)))
                    {
                        owns = true;
                        break;
                    }
                }
            }

            _answers[named] = owns;
            return owns;
        }

        /// <summary>The classes and structs of the compilation that implement or derive from <paramref name="type"/> (the
        /// assembly's types are listed once, when first asked).</summary>
        public List<INamedTypeSymbol> ImplementationsOf(INamedTypeSymbol type)
        {
            if (_implementations == null)
            {
                _implementations = new Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
                var pending = new Stack<INamespaceOrTypeSymbol>();
                pending.Push(_assembly.GlobalNamespace);
                while (pending.Count > 0)
                {
                    foreach (var member in pending.Pop().GetMembers())
                    {
                        if (member is INamespaceOrTypeSymbol container)
                        {
                            pending.Push(container);
                        }

                        if (member is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } concrete)
                        {
                            foreach (var face in concrete.AllInterfaces)
                            {
                                Add(face.OriginalDefinition, concrete);
                            }

                            for (var b = concrete.BaseType; b != null && SymbolEqualityComparer.Default.Equals(b.ContainingAssembly, _assembly); b = b.BaseType)
                            {
                                Add(b.OriginalDefinition, concrete);
                            }
                        }
                    }
                }
            }

            return _implementations.TryGetValue(type, out var found) ? found : new List<INamedTypeSymbol>();
        }

        private void Add(INamedTypeSymbol key, INamedTypeSymbol implementation)
        {
            if (!_implementations!.TryGetValue(key, out var list))
            {
                _implementations.Add(key, list = new List<INamedTypeSymbol>());
            }

            list.Add(implementation.OriginalDefinition);
        }
    }
}
