using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The flow model of one compilation. The rule feeds it every operation the driver gives it (<see cref="Record"/>),
    /// and reads it at the end of the compilation (<see cref="Model"/>), when every body has been seen.
    /// </summary>
    internal sealed class CompilationFlow
    {
        private static readonly ConditionalWeakTable<Compilation, Holder> Flows = new ConditionalWeakTable<Compilation, Holder>();

        private readonly ConcurrentDictionary<SyntaxNode, BodyFacts> _bodies = new ConcurrentDictionary<SyntaxNode, BodyFacts>();
        private readonly ConcurrentDictionary<SyntaxNode, IOperation> _kept = new ConcurrentDictionary<SyntaxNode, IOperation>();
        private readonly Compilation _compilation;
        private readonly ValueSources _sources;
        private readonly object _gate = new object();
        private readonly BodyFactCollector _collector;
        private FlowModel? _model;
        private IReadOnlyList<Diagnostic>? _acrossMethods;
        private bool _fed;

        private CompilationFlow(Compilation compilation, KnownSymbols symbols)
        {
            _compilation = compilation;
            Symbols = symbols;
            _sources = new ValueSources(symbols, compilation.Assembly);
            SelfClosing = new SelfClosingTypes(symbols, compilation);
            Cleanup = new CleanupCallers(_sources, compilation);
            _collector = new BodyFactCollector(symbols, _sources, Cleanup, (operation, owner) =>
            {
                var root = OperationHelpers.RootOf(operation);
                return _bodies.GetOrAdd(root.Syntax, _ => new BodyFacts(owner, root));
            });
        }

        public KnownSymbols Symbols { get; }

        public ValueSources Sources => _sources;

        public SelfClosingTypes SelfClosing { get; }

        /// <summary>The methods of the compilation that only run as cleanup after a failure (read at the end).</summary>
        public CleanupCallers Cleanup { get; }

        /// <summary>Null when the compilation cannot see SslStream: then no stream can be followed.</summary>
        public static CompilationFlow? For(Compilation compilation, AnalyzerOptions options) =>
            Flows.GetValue(compilation, c => new Holder(KnownSymbols.TryCreate(c, TlsOptions.Read(options, c)) is { } symbols ? new CompilationFlow(c, symbols) : null)).Flow;

        /// <summary>Reads one operation the driver hands over (one of <see cref="BodyFactCollector.Kinds"/>). The driver
        /// runs one analyzer's actions on one body in sequence, so a body's facts are only ever written by one thread.</summary>
        public void Record(IOperation operation, ISymbol owner)
        {
            _fed = true;
            _collector.Visit(operation, owner);
        }

        /// <summary>Did a rule (TLS001) feed the model in this analysis? TLS003 alone (TLS001 off, or <c>dotnet format
        /// --diagnostics TLS003</c>) feeds it itself at the end of the compilation (<see cref="FlowFeed"/>).</summary>
        public bool IsFed => _fed;

        /// <summary>What the model read of a body (null when nothing: no stream in it), from any operation of it (the
        /// driver's operation blocks are the method's block, below its IMethodBodyOperation).</summary>
        public BodyFacts? FactsOf(IOperation operation) => _bodies.TryGetValue(OperationHelpers.RootOf(operation).Syntax, out var facts) ? facts : null;

        /// <summary>A member's operation tree, as the driver handed it, that a rule keeps for the end of the compilation
        /// (TLS004: the bodies of the types that may keep a transport). Another rule's end reads it there instead of binding
        /// the body again with a semantic model (TLS003's reach: about a millisecond a body).</summary>
        public void Keep(IOperation root) => _kept.TryAdd(root.Syntax, root);

        /// <summary>The kept operation tree of a member's declaration, or null.</summary>
        public IOperation? Kept(SyntaxNode declaration) => _kept.TryGetValue(declaration, out var root) ? root : null;

        /// <summary>The model, built at the first call after every body was recorded.</summary>
        public FlowModel Model(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_model == null)
                {
                    var bodies = _bodies.Values.Where(b => !b.IsEmpty)
                        .OrderBy(b => b.Root.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(b => b.Root.Syntax.SpanStart).ToList();
                    _model = FlowModel.Build(_compilation, Symbols, _sources, bodies, cancellationToken);
                }

                return _model;
            }
        }

        /// <summary>TLS001's findings on streams that cross methods or types, computed once whichever rule asks first
        /// (TLS001 reports them; TLS003 asks whether a disposal it sees is one of them).</summary>
        public IReadOnlyList<Diagnostic> AcrossMethodsDiagnostics(CancellationToken cancellationToken)
        {
            var model = Model(cancellationToken);
            lock (_gate)
            {
                return _acrossMethods ??= model.IsEmpty ? Array.Empty<Diagnostic>() : new AcrossMethods(this, model, cancellationToken).Analyze().ToList();
            }
        }

        private sealed class Holder
        {
            public Holder(CompilationFlow? flow) => Flow = flow;

            public CompilationFlow? Flow { get; }
        }
    }
}
