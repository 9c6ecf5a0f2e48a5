using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>The symbols of TLS004-TLS006: the very instance the TLS001 flow model holds for the compilation (looked
    /// up once for all the rules, with the same .editorconfig options: closing methods, owner types); null when the
    /// compilation cannot see SslStream, and then the rules find nothing.</summary>
    internal static class PathSymbols
    {
        public static KnownSymbols? For(Compilation compilation, AnalyzerOptions options) => Flow.CompilationFlow.For(compilation, options)?.Symbols;
    }

    /// <summary>Symbols by reference: one object per symbol in a compilation, so no symbol comparison is needed.</summary>
    internal sealed class ByReference : System.Collections.Generic.IEqualityComparer<INamedTypeSymbol>
    {
        public static readonly ByReference Instance = new ByReference();

        public bool Equals(INamedTypeSymbol? x, INamedTypeSymbol? y) => ReferenceEquals(x, y);

        public int GetHashCode(INamedTypeSymbol obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
