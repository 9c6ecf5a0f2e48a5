using System;
using System.IO;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    internal enum OriginKind : byte
    {
        /// <summary><c>new SslStream(...)</c>, or a subclass's constructor, in this compilation.</summary>
        Created,

        /// <summary>Returned by a member of another assembly (<c>Driver.Connector.Open()</c>).</summary>
        Returned,

        /// <summary>A symbol declared as SslStream whose values the compilation does not show (a parameter, say).</summary>
        Declared,

        /// <summary>A Stream the code itself tests or casts as an SslStream (<c>_stream as SslStream</c>).</summary>
        Tested,
    }

    /// <summary>Where TLS streams come from: the flow model follows each origin to the symbols that may hold it.</summary>
    internal sealed class TlsOrigin : IEquatable<TlsOrigin>
    {
        private TlsOrigin(OriginKind kind, SyntaxNode? site, ISymbol? symbol, ISymbol? container, ITypeSymbol? type)
        {
            Kind = kind;
            Site = site;
            Symbol = symbol;
            Container = container;
            Type = type;
        }

        public OriginKind Kind { get; }

        /// <summary>The creation or the type test (Created, Tested).</summary>
        public SyntaxNode? Site { get; }

        /// <summary>The member that returns it or the symbol declared as one (Returned, Declared).</summary>
        public ISymbol? Symbol { get; }

        /// <summary>The member the site is in.</summary>
        public ISymbol? Container { get; }

        /// <summary>The type created (a subclass may close itself), when known.</summary>
        public ITypeSymbol? Type { get; }

        public static TlsOrigin Created(SyntaxNode site, ISymbol container, ITypeSymbol type) =>
            new TlsOrigin(OriginKind.Created, site, null, container, type);

        public static TlsOrigin Tested(SyntaxNode site, ISymbol container) => new TlsOrigin(OriginKind.Tested, site, null, container, null);

        public static TlsOrigin Returned(ISymbol member, ITypeSymbol type) =>
            new TlsOrigin(OriginKind.Returned, null, member.OriginalDefinition, null, type);

        public static TlsOrigin Declared(ISymbol symbol, ITypeSymbol? type) =>
            new TlsOrigin(OriginKind.Declared, null, symbol.OriginalDefinition, null, type);

        /// <summary>Where the stream came from, for a diagnostic message: "the SslStream created in Client.OpenAsync (Client.cs:12)".</summary>
        public string Describe()
        {
            var typeName = Type is INamedTypeSymbol { Name: not ("Task" or "ValueTask") } named && named.TypeKind == TypeKind.Class && named.Name is not ("Stream" or "AuthenticatedStream") ? named.Name : "SslStream";
            switch (Kind)
            {
                case OriginKind.Created:
                    return $"the {typeName} created in {MemberName(Container)} ({Where(Site!)})";
                case OriginKind.Tested:
                    return $"an SslStream, as {MemberName(Container)} tests it ({Where(Site!)})";
                case OriginKind.Returned:
                    return $"the {typeName} returned by {MemberName(Symbol)}";
                default:
                    return Symbol switch
                    {
                        IParameterSymbol parameter => $"the {typeName} passed to {MemberName(parameter.ContainingSymbol)} as '{parameter.Name}'",
                        IMethodSymbol method => $"the {typeName} returned by {MemberName(method)}",
                        _ => $"the {typeName} held by {MemberName(Symbol)}",
                    };
            }
        }

        /// <summary>A stable order, so that messages and bit numbers do not depend on the order bodies were analyzed.</summary>
        public string SortKey =>
            Site != null
                ? $"0|{Site.SyntaxTree.FilePath}|{Site.SpanStart:D9}|{(int)Kind}"
                : $"1|{Symbol?.ToDisplayString()}|{(int)Kind}";

        public bool Equals(TlsOrigin? other) =>
            other != null && Kind == other.Kind && Site == other.Site && SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol);

        public override bool Equals(object? obj) => Equals(obj as TlsOrigin);

        public override int GetHashCode() =>
            ((int)Kind * 31) ^ (Site?.GetHashCode() ?? 0) ^ (Symbol == null ? 0 : SymbolEqualityComparer.Default.GetHashCode(Symbol));

        private static string MemberName(ISymbol? member)
        {
            if (member == null)
            {
                return "an unknown member";
            }

            // Accessors and lambdas read better as the property or method they belong to.
            if (member is IMethodSymbol { AssociatedSymbol: { } associated })
            {
                member = associated;
            }

            while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } && member.ContainingSymbol is IMethodSymbol outer)
            {
                member = outer;
            }

            if (member is IPropertySymbol { IsIndexer: true } && member.ContainingType != null)
            {
                return "the " + member.ContainingType.Name + " indexer";
            }

            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } && member.ContainingType != null)
            {
                return "the " + member.ContainingType.Name + " constructor";
            }

            return member.ContainingType == null ? member.Name : member.ContainingType.Name + "." + member.Name;
        }

        private static string Where(SyntaxNode site)
        {
            var line = site.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            var file = site.SyntaxTree.FilePath;
            return (string.IsNullOrEmpty(file) ? "line" : Path.GetFileName(file)) + ":" + line;
        }
    }
}
