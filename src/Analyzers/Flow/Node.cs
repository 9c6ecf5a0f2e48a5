using System;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    internal enum NodeKind : byte
    {
        /// <summary>What a local, parameter, field or property holds, or what a method returns.</summary>
        Value,

        /// <summary>What a delegate held by the symbol returns when it is invoked (a stream factory).</summary>
        Produced,

        /// <summary>A place where TLS streams come from (<see cref="TlsOrigin"/>).</summary>
        Origin,
    }

    /// <summary>
    /// A vertex of the flow model: a symbol's value (flow-insensitive, whatever the instance), what a delegate symbol
    /// produces, or an origin of TLS streams. Symbols are kept as their original definitions, so that a generic
    /// member and its constructed forms are one node.
    /// </summary>
    internal readonly struct Node : IEquatable<Node>
    {
        private Node(object key, NodeKind kind)
        {
            Key = key;
            Kind = kind;
        }

        /// <summary>An <see cref="ISymbol"/>, or a <see cref="TlsOrigin"/> for <see cref="NodeKind.Origin"/>.</summary>
        public object Key { get; }

        public NodeKind Kind { get; }

        public ISymbol? Symbol => Key as ISymbol;

        public static Node Of(ISymbol symbol) => new Node(symbol.OriginalDefinition, NodeKind.Value);

        public static Node ProducedBy(ISymbol symbol) => new Node(symbol.OriginalDefinition, NodeKind.Produced);

        public static Node From(TlsOrigin origin) => new Node(origin, NodeKind.Origin);

        public bool Equals(Node other) =>
            Kind == other.Kind
            && (Key is ISymbol symbol ? SymbolEqualityComparer.Default.Equals(symbol, other.Key as ISymbol) : Equals(Key, other.Key));

        public override bool Equals(object? obj) => obj is Node other && Equals(other);

        public override int GetHashCode() =>
            ((Key is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : Key.GetHashCode()) * 3) + (int)Kind;

        public override string ToString() => Kind + ":" + Key;
    }
}
