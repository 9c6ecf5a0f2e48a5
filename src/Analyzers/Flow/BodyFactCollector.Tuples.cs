using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>The facts of tuples that carry streams: a method returning one, a tuple-typed symbol, a deconstruction.</summary>
    internal sealed partial class BodyFactCollector
    {
        /// <summary>Item i of <paramref name="target"/> (a tuple-typed symbol, or a method returning a tuple) ← item i of the value.</summary>
        private void FlowIntoItems(ISymbol target, int arity, IOperation value, ref Sink sink)
        {
            var sources = new List<Node>();
            for (var i = 0; i < arity; i++)
            {
                sources.Clear();
                Tuples.AddItem(_sources, value, i, sources, sink.Owner);
                foreach (var source in sources)
                {
                    sink.Facts.Edges.Add((Node.ItemOf(target, i), source));
                }
            }
        }

        /// <summary><c>var (stream, ssl) = await UpgradeAsync(...)</c>, <c>(_stream, _ssl) = pair</c>: each symbol ← its item.</summary>
        private void Deconstruct(IOperation target, IOperation value, ref Sink sink)
        {
            if (Tuples.TargetTuple(target) is not { } tuple)
            {
                return;
            }

            List<Node>? sources = null;
            for (var i = 0; i < tuple.Elements.Length; i++)
            {
                if (Tuples.PlaceSymbol(tuple.Elements[i]) is not { } symbol || !_sources.IsRelevant(ValueSources.TypeOf(symbol)))
                {
                    continue;
                }

                (sources ??= new List<Node>()).Clear();
                Tuples.AddItem(_sources, value, i, sources, sink.Owner);
                foreach (var source in sources)
                {
                    sink.Facts.Edges.Add((Node.Of(symbol), source));
                }
            }
        }
    }
}
