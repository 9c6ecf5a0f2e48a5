using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// What each method of the compilation does to its own parameters: uses (authenticates, reads, writes), closes or
    /// disposes them, directly, through a local copy (<c>var ssl = stream as SslStream</c>), or, for uses and closes,
    /// by handing them to a method that does. A walk reads these at a call: a helper that authenticates the stream it
    /// is given opens it, one that closes it closes it.
    /// </summary>
    internal sealed class ParameterSummaries
    {
        private readonly HashSet<ISymbol> _closed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _disposed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _used = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        public static ParameterSummaries Build(IEnumerable<BodyFacts> bodies, List<(Node Target, Node Source)> edges)
        {
            var summaries = new ParameterSummaries();
            foreach (var body in bodies)
            {
                summaries.Add(body);
            }

            Propagate(edges, summaries._closed);
            Propagate(edges, summaries._used);
            return summaries;
        }

        public bool Closes(IParameterSymbol parameter) => _closed.Contains(parameter.OriginalDefinition);

        public bool Disposes(IParameterSymbol parameter) => _disposed.Contains(parameter.OriginalDefinition);

        public bool Uses(IParameterSymbol parameter) => _used.Contains(parameter.OriginalDefinition);

        private void Add(BodyFacts body)
        {
            _closed.UnionWith(body.ClosedParameters);
            _disposed.UnionWith(body.DisposedParameters);
            _used.UnionWith(body.UsedParameters);

            // var ssl = stream as SslStream; ssl.ShutdownAsync(): what a local copy of a parameter does, the parameter does.
            foreach (var (target, source) in body.Edges)
            {
                if (target.Symbol is ILocalSymbol && source.Kind == NodeKind.Value && source.Symbol is IParameterSymbol parameter
                    && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, body.Owner))
                {
                    if (body.Closes.Contains(target))
                    {
                        _closed.Add(parameter.OriginalDefinition);
                    }

                    if (body.Disposals.Contains(target))
                    {
                        _disposed.Add(parameter.OriginalDefinition);
                    }

                    if (body.Uses.Contains(target))
                    {
                        _used.Add(parameter.OriginalDefinition);
                    }
                }
            }
        }

        /// <summary>A method that hands its parameter to a method that closes (uses) it closes (uses) it too, to a fixed point.</summary>
        private static void Propagate(List<(Node Target, Node Source)> edges, HashSet<ISymbol> parameters)
        {
            var passes = new List<(ISymbol Callee, ISymbol Caller)>();
            foreach (var (target, source) in edges)
            {
                if (target.Symbol is IParameterSymbol callee && source.Kind == NodeKind.Value && source.Symbol is IParameterSymbol caller)
                {
                    passes.Add((callee, caller));
                }
            }

            for (var changed = passes.Count > 0; changed;)
            {
                changed = false;
                foreach (var (callee, caller) in passes)
                {
                    if (parameters.Contains(callee) && parameters.Add(caller))
                    {
                        changed = true;
                    }
                }
            }
        }
    }
}
