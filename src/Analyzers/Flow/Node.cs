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

        /// <summary>One item of a tuple a symbol holds or a method returns (<c>(Stream, SslStream) UpgradeAsync()</c>).</summary>
        Item,
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

        /// <summary>An <see cref="ISymbol"/>, a <see cref="TlsOrigin"/> for <see cref="NodeKind.Origin"/>, a <see cref="TupleItem"/> for <see cref="NodeKind.Item"/>.</summary>
        public object Key { get; }

        public NodeKind Kind { get; }

        public ISymbol? Symbol => Key as ISymbol;

        public static Node Of(ISymbol symbol) => new Node(symbol.OriginalDefinition, NodeKind.Value);

        public static Node ProducedBy(ISymbol symbol) => new Node(symbol.OriginalDefinition, NodeKind.Produced);

        public static Node From(TlsOrigin origin) => new Node(origin, NodeKind.Origin);

        /// <summary>Item <paramref name="index"/> (from 0) of the tuple the symbol holds or returns.</summary>
        public static Node ItemOf(ISymbol symbol, int index) => new Node(new TupleItem(symbol.OriginalDefinition, index), NodeKind.Item);

        public bool Equals(Node other) =>
            Kind == other.Kind
            && (Key is ISymbol symbol ? SymbolEqualityComparer.Default.Equals(symbol, other.Key as ISymbol) : Equals(Key, other.Key));

        public override bool Equals(object? obj) => obj is Node other && Equals(other);

        public override int GetHashCode() =>
            ((Key is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : Key.GetHashCode()) * 3) + (int)Kind;

        public override string ToString() => Kind + ":" + Key;
    }

    /// <summary>The key of an <see cref="NodeKind.Item"/> node: a symbol and the position of one of its tuple's items.</summary>
    internal sealed class TupleItem : IEquatable<TupleItem>
    {
        public TupleItem(ISymbol symbol, int index)
        {
            Symbol = symbol;
            Index = index;
        }

        public ISymbol Symbol { get; }

        public int Index { get; }

        public bool Equals(TupleItem? other) => other != null && Index == other.Index && SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol);

        public override bool Equals(object? obj) => Equals(obj as TupleItem);

        public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Symbol) * 7) + Index;

        public override string ToString() => Symbol + "#" + Index;
    }
}
