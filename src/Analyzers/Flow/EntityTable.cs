using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The locals, parameters, fields or properties one walk tracks, each with its bit index in
    /// <see cref="StreamState"/>. An alias (a local copy, a cast, an owner such as a StreamReader over the stream) has
    /// a bit of its own, in the group of the stream it refers to: an assignment changes one symbol
    /// (<c>var s = _stream; _stream = null; s.Dispose();</c> still disposes the stream), but a use, a close or a
    /// disposal through any of them is one of the stream itself.
    /// </summary>
    internal sealed class EntityTable
    {
        public const int MaxEntities = 64;

        private readonly Dictionary<ISymbol, int> _indexes = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
        private readonly List<ISymbol> _entities = new List<ISymbol>();
        private readonly List<int> _roots = new List<int>();

        public EntityTable(IEnumerable<ISymbol> entities)
        {
            foreach (var entity in entities)
            {
                Add(entity, root: -1);
            }
        }

        public IReadOnlyList<ISymbol> Entities => _entities;

        /// <summary>The entities and their aliases.</summary>
        public IEnumerable<ISymbol> Symbols => _indexes.Keys;

        public bool IsEmpty => _entities.Count == 0;

        public int IndexOf(ISymbol? symbol) =>
            symbol != null && _indexes.TryGetValue(symbol.OriginalDefinition, out var index) ? index : -1;

        /// <summary>The tracked entity an expression denotes: a local, a parameter, or a field or property of this instance.</summary>
        public int IndexOf(IOperation? operation) => IndexOf(OperationHelpers.ReferencedSymbol(operation));

        /// <summary>Tracks <paramref name="alias"/> as one more name of the stream at <paramref name="index"/>.</summary>
        public void AddAlias(ISymbol alias, int index)
        {
            if (index >= 0)
            {
                Add(alias, _roots[index]);
            }
        }

        /// <summary>Tracks more streams of their own (after the aliases, which matter more when the table is full).</summary>
        public void AddRoots(IEnumerable<ISymbol> symbols)
        {
            foreach (var symbol in symbols)
            {
                Add(symbol, root: -1);
            }
        }

        /// <summary>The stream an entity names: itself, or the entity it is an alias of.</summary>
        public int RootOf(int entity) => _roots[entity];

        /// <summary>The bits of every name of the same stream.</summary>
        public ulong GroupOf(int entity)
        {
            var root = _roots[entity];
            ulong mask = 0;
            for (var i = 0; i < _roots.Count; i++)
            {
                if (_roots[i] == root)
                {
                    mask |= 1UL << i;
                }
            }

            return mask;
        }

        private void Add(ISymbol symbol, int root)
        {
            // Past 64 names in one walk the rest go untracked: fewer warnings, never wrong ones.
            if (_entities.Count == MaxEntities || _indexes.ContainsKey(symbol.OriginalDefinition))
            {
                return;
            }

            _indexes.Add(symbol.OriginalDefinition, _entities.Count);
            _roots.Add(root < 0 ? _entities.Count : root);
            _entities.Add(symbol.OriginalDefinition);
        }
    }
}
