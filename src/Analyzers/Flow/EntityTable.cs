using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The locals, parameters, fields or properties one walk tracks, each with its bit index in
    /// <see cref="StreamState"/>. An alias (a local copy, a cast, an owner such as a StreamReader over the stream)
    /// shares the bit of the stream it refers to: closing or disposing it is closing or disposing that stream.
    /// </summary>
    internal sealed class EntityTable
    {
        public const int MaxEntities = 64;

        private readonly Dictionary<ISymbol, int> _indexes;

        public EntityTable(IEnumerable<ISymbol> entities)
        {
            _indexes = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            var builder = ImmutableArray.CreateBuilder<ISymbol>();
            foreach (var entity in entities)
            {
                // Past 64 streams in one method or type the rest go untracked: fewer warnings, never wrong ones.
                if (builder.Count == MaxEntities)
                {
                    break;
                }

                if (!_indexes.ContainsKey(entity))
                {
                    _indexes.Add(entity, builder.Count);
                    builder.Add(entity);
                }
            }

            Entities = builder.ToImmutable();
        }

        public ImmutableArray<ISymbol> Entities { get; }

        /// <summary>The entities and their aliases.</summary>
        public IEnumerable<ISymbol> Symbols => _indexes.Keys;

        public bool IsEmpty => Entities.IsEmpty;

        public ulong AllBits => Entities.Length == MaxEntities ? ulong.MaxValue : (1UL << Entities.Length) - 1;

        public int IndexOf(ISymbol? symbol) =>
            symbol != null && _indexes.TryGetValue(symbol.OriginalDefinition, out var index) ? index : -1;

        /// <summary>Makes <paramref name="alias"/> stand for the entity at <paramref name="index"/>; an entity of its own stays one.</summary>
        public void AddAlias(ISymbol alias, int index)
        {
            if (!_indexes.ContainsKey(alias.OriginalDefinition) && index >= 0)
            {
                _indexes.Add(alias.OriginalDefinition, index);
            }
        }

        public bool IsAlias(ISymbol symbol) => IndexOf(symbol) is var index && index >= 0 && !SymbolEqualityComparer.Default.Equals(Entities[index], symbol.OriginalDefinition);

        /// <summary>The tracked entity an expression denotes: a local, or a field of this instance.</summary>
        public int IndexOf(IOperation? operation) => IndexOf(OperationHelpers.ReferencedSymbol(operation));
    }
}
