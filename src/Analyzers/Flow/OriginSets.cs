using System.Collections.Generic;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The origins each node may hold, found by propagating along the edges to a fixed point (flow-insensitive: the
    /// order of the statements does not matter, only which values can reach which symbols).
    /// </summary>
    internal sealed class OriginSets
    {
        private static readonly int[] None = new int[0];

        private readonly Dictionary<Node, int> _ids = new Dictionary<Node, int>();
        private readonly List<List<int>> _successors = new List<List<int>>();
        private readonly int _words;
        private ulong[][] _bits = new ulong[0][];

        public OriginSets(int originCount) => _words = (originCount + 63) / 64;

        public int Count => _ids.Count;

        public IEnumerable<Node> Nodes => _ids.Keys;

        public int IdOf(Node node)
        {
            if (!_ids.TryGetValue(node, out var id))
            {
                id = _ids.Count;
                _ids.Add(node, id);
                _successors.Add(new List<int>());
            }

            return id;
        }

        public void AddEdge(Node target, Node source) => _successors[IdOf(source)].Add(IdOf(target));

        /// <summary>Seeds each origin node with its own origin and propagates; <paramref name="originIndex"/> gives the bit of an origin node.</summary>
        public void Propagate(IReadOnlyDictionary<Node, int> originIndex)
        {
            if (_bits.Length < _ids.Count)
            {
                var grown = new ulong[_ids.Count][];
                for (var i = 0; i < grown.Length; i++)
                {
                    grown[i] = i < _bits.Length ? _bits[i] : new ulong[_words];
                }

                _bits = grown;
            }

            var work = new Stack<int>();
            foreach (var pair in originIndex)
            {
                var id = IdOf(pair.Key);
                _bits[id][pair.Value / 64] |= 1UL << (pair.Value % 64);
                work.Push(id);
            }

            // Nodes already holding origins from an earlier round push them on again (cheap: nothing new is set twice).
            for (var id = 0; id < _bits.Length; id++)
            {
                if (!IsEmpty(_bits[id]))
                {
                    work.Push(id);
                }
            }

            while (work.Count > 0)
            {
                var from = work.Pop();
                foreach (var to in _successors[from])
                {
                    if (Merge(_bits[to], _bits[from]))
                    {
                        work.Push(to);
                    }
                }
            }
        }

        /// <summary>The origin indexes a node may hold, in ascending order (none for a node the model never met).</summary>
        public int[] Of(Node node)
        {
            if (!_ids.TryGetValue(node, out var id) || id >= _bits.Length)
            {
                return None;
            }

            var bits = _bits[id];
            List<int>? result = null;
            for (var word = 0; word < bits.Length; word++)
            {
                for (var value = bits[word]; value != 0; value &= value - 1)
                {
                    (result ??= new List<int>()).Add((word * 64) + TrailingZeros(value));
                }
            }

            return result == null ? None : result.ToArray();
        }

        public bool HasAny(Node node) => _ids.TryGetValue(node, out var id) && id < _bits.Length && !IsEmpty(_bits[id]);

        private static bool Merge(ulong[] into, ulong[] from)
        {
            var changed = false;
            for (var i = 0; i < into.Length; i++)
            {
                var merged = into[i] | from[i];
                if (merged != into[i])
                {
                    into[i] = merged;
                    changed = true;
                }
            }

            return changed;
        }

        private static bool IsEmpty(ulong[] bits)
        {
            foreach (var word in bits)
            {
                if (word != 0)
                {
                    return false;
                }
            }

            return true;
        }

        private static int TrailingZeros(ulong value)
        {
            var count = 0;
            while ((value & 1) == 0)
            {
                value >>= 1;
                count++;
            }

            return count;
        }
    }
}
