using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// What one member body tells the flow model, gathered in one pass over its operations: where values go
    /// (edges), which streams it uses and closes, which it tests as TLS, and what it does to its own parameters.
    /// </summary>
    internal sealed class BodyFacts
    {
        public BodyFacts(ISymbol owner, IOperation root)
        {
            Owner = owner;
            Root = root;
        }

        /// <summary>The method, accessor, constructor or field (initializer) the body belongs to.</summary>
        public ISymbol Owner { get; }

        public IOperation Root { get; }

        /// <summary>Target ← source: whatever the source may hold, the target may hold.</summary>
        public List<(Node Target, Node Source)> Edges { get; } = new List<(Node, Node)>();

        /// <summary>A property whose getter returns a field as it is: reading one is reading the other (used backwards for type tests).</summary>
        public List<(Node Property, Node Field)> Aliases { get; } = new List<(Node, Node)>();

        /// <summary>Nodes whose stream was authenticated, read, written or flushed.</summary>
        public List<Node> Uses { get; } = new List<Node>();

        /// <summary>Nodes whose stream a TLS close was started on (ShutdownAsync, the CloseNotify runtime).</summary>
        public List<Node> Closes { get; } = new List<Node>();

        /// <summary>Nodes the body disposes (Dispose, Close, DisposeAsync, using, a pipe's Complete).</summary>
        public List<Node> Disposals { get; } = new List<Node>();

        /// <summary>The inner stream given to each SslStream created here (for the transport rules).</summary>
        public List<(TlsOrigin Origin, Node Transport)> Transports { get; } = new List<(TlsOrigin, Node)>();

        /// <summary>Parameters of the owner the body closes (directly or through a local copy).</summary>
        public HashSet<ISymbol> ClosedParameters { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>Parameters of the owner the body disposes.</summary>
        public HashSet<ISymbol> DisposedParameters { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>Parameters of the owner the body reads, writes or authenticates.</summary>
        public HashSet<ISymbol> UsedParameters { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>The body closes a socket or TcpClient (TLS004 reads these bodies for transports closed from another type).</summary>
        public bool ClosesSocket { get; set; }

        public bool IsEmpty =>
            Edges.Count == 0 && Aliases.Count == 0 && Uses.Count == 0 && Closes.Count == 0 && Disposals.Count == 0 && Transports.Count == 0
            && ClosedParameters.Count == 0 && DisposedParameters.Count == 0 && UsedParameters.Count == 0 && !ClosesSocket;

        /// <summary>A local of the body holds an SslStream by its own evidence (the local analysis has work to do).</summary>
        public bool HasTlsLocals { get; set; }

        public INamedTypeSymbol? ContainingType => Owner.ContainingType;
    }
}
