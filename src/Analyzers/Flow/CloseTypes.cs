using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>The types TLS003 asks about beyond <see cref="KnownSymbols"/>, looked up once per compilation.</summary>
    internal sealed class CloseTypes
    {
        // Disposing one of these writes what it still buffers into the stream it owns: over a TLS stream that write
        // can fail (a reset peer, a dead connection), and a catch around the disposal then hides lost data.
        private static readonly string[] WritingOwnerNames =
        {
            "System.IO.TextWriter", "System.IO.BinaryWriter", "System.IO.BufferedStream", "System.IO.Compression.GZipStream",
            "System.IO.Compression.DeflateStream", "System.IO.Compression.BrotliStream", "System.IO.Compression.ZLibStream",
            "System.Security.Cryptography.CryptoStream", "System.IO.Pipelines.PipeWriter",
        };

        private readonly HashSet<ITypeSymbol> _writingOwners = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        private readonly INamedTypeSymbol? _openSslShutdown;

        public CloseTypes(Compilation compilation)
        {
            Catches = CatchClauses.Create(compilation);
            foreach (var name in WritingOwnerNames)
            {
                if (compilation.GetTypeByMetadataName(name) is { } type)
                {
                    _writingOwners.Add(type);
                }
            }

            _openSslShutdown = compilation.GetTypeByMetadataName("CloseNotify.OpenSslShutdown");
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            AsyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
        }

        public CatchClauses Catches { get; }

        public INamedTypeSymbol Disposable { get; }

        public INamedTypeSymbol? AsyncDisposable { get; }

        /// <summary>A writer, buffered or compressing stream, or pipe writer: its disposal flushes into the stream it owns.</summary>
        public bool WritesOnDisposal(ITypeSymbol? type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (_writingOwners.Contains(t.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The runtime's closes that can raise (<c>TlsClose.Graceful</c>/<c>GracefulAsync</c> surface what is not benign,
        /// <c>OpenSslShutdown.Drive</c> what OpenSSL reports); <c>TlsClose.Notify</c> never throws an error of the
        /// connection and <c>TlsClose.Abort</c> none at all, so a catch around them has nothing of the close to swallow.
        /// </summary>
        public bool RuntimeCloseRaises(KnownSymbols symbols, IMethodSymbol method) =>
            (symbols.IsRuntimeClose(method)
             && !(method.Name is "Notify" or "Abort" && SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.TlsClose)))
            || (_openSslShutdown != null && SymbolEqualityComparer.Default.Equals(method.ContainingType, _openSslShutdown) && method.Name == "Drive");
    }
}
