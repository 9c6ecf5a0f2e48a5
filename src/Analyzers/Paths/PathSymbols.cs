using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>The symbols of TLS004-TLS006, looked up once per compilation for the three of them (null when the
    /// compilation cannot see SslStream: then they find nothing).</summary>
    internal static class PathSymbols
    {
        private static readonly ConditionalWeakTable<Compilation, Holder> Cache = new ConditionalWeakTable<Compilation, Holder>();

        public static KnownSymbols? For(Compilation compilation) => Cache.GetValue(compilation, c => new Holder(KnownSymbols.TryCreate(c))).Symbols;

        private sealed class Holder
        {
            public Holder(KnownSymbols? symbols) => Symbols = symbols;

            public KnownSymbols? Symbols { get; }
        }
    }
}
