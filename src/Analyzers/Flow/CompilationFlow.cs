using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The flow model of one compilation, shared by the rules that read it. Each rule feeds it every body the driver
    /// gives it (<see cref="Record"/>), and reads it at the end of the compilation (<see cref="Model"/>): every rule
    /// sees every body before its own end, so the model is complete whichever rule builds it. A body fed by two rules
    /// is read once; the second waits for the first.
    /// </summary>
    internal sealed class CompilationFlow
    {
        private static readonly ConditionalWeakTable<Compilation, Holder> Flows = new ConditionalWeakTable<Compilation, Holder>();

        private readonly ConcurrentDictionary<SyntaxNode, Lazy<BodyFacts?>> _bodies = new ConcurrentDictionary<SyntaxNode, Lazy<BodyFacts?>>();
        private readonly Compilation _compilation;
        private readonly ValueSources _sources;
        private readonly object _gate = new object();
        private FlowModel? _model;

        private CompilationFlow(Compilation compilation, KnownSymbols symbols)
        {
            _compilation = compilation;
            Symbols = symbols;
            _sources = new ValueSources(symbols, compilation.Assembly);
            SelfClosing = new SelfClosingTypes(symbols, compilation);
        }

        public KnownSymbols Symbols { get; }

        public ValueSources Sources => _sources;

        public SelfClosingTypes SelfClosing { get; }

        /// <summary>Null when the compilation cannot see SslStream: then no stream can be followed.</summary>
        public static CompilationFlow? For(Compilation compilation, AnalyzerOptions options) =>
            Flows.GetValue(compilation, c => new Holder(KnownSymbols.TryCreate(c, TlsOptions.Read(options, c)) is { } symbols ? new CompilationFlow(c, symbols) : null)).Flow;

        /// <summary>Reads one member's bodies into the model (once, whichever rule asks first).</summary>
        public BodyFacts? Record(OperationBlockAnalysisContext context)
        {
            if (context.OperationBlocks.IsEmpty)
            {
                return null;
            }

            var owner = context.OwningSymbol;
            var blocks = context.OperationBlocks;
            var lazy = _bodies.GetOrAdd(blocks[0].Syntax, _ => new Lazy<BodyFacts?>(
                () =>
                {
                    var collector = new BodyFactCollector(Symbols, _sources);
                    BodyFacts? facts = null;
                    foreach (var block in blocks)
                    {
                        var read = collector.Collect(owner, block);
                        facts = facts == null || facts.IsEmpty ? read : Merge(facts, read);
                    }

                    return facts == null || facts.IsEmpty ? null : facts;
                },
                LazyThreadSafetyMode.ExecutionAndPublication));
            return lazy.Value;
        }

        /// <summary>The model, built at the first call after every body was recorded.</summary>
        public FlowModel Model(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_model == null)
                {
                    var bodies = _bodies.Values.Select(b => b.Value).Where(b => b != null).Cast<BodyFacts>()
                        .OrderBy(b => b.Root.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(b => b.Root.Syntax.SpanStart).ToList();
                    _model = FlowModel.Build(_compilation, Symbols, _sources, bodies, cancellationToken);
                }

                return _model;
            }
        }

        private sealed class Holder
        {
            public Holder(CompilationFlow? flow) => Flow = flow;

            public CompilationFlow? Flow { get; }
        }

        private static BodyFacts Merge(BodyFacts into, BodyFacts more)
        {
            into.Edges.AddRange(more.Edges);
            into.Aliases.AddRange(more.Aliases);
            into.Uses.AddRange(more.Uses);
            into.Closes.AddRange(more.Closes);
            into.Disposals.AddRange(more.Disposals);
            into.Transports.AddRange(more.Transports);
            into.ClosedParameters.UnionWith(more.ClosedParameters);
            into.DisposedParameters.UnionWith(more.DisposedParameters);
            into.UsedParameters.UnionWith(more.UsedParameters);
            return into;
        }
    }
}
