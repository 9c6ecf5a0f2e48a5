// TLS004: the socket, NetworkStream, TcpClient or inner stream under an SslStream is closed while that SslStream, used on
// this path, was neither shut down nor disposed first: no close_notify can follow.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using CloseNotify.Analyzers.Paths;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Two passes. In the member that creates the SslStream (<c>new SslStream(inner, ...)</c>) the member shows which
    /// symbols are its transport; it is walked on its control-flow graph from each use of the TLS stream, along normal
    /// paths: a catch (the cleanup of a failed handshake) is never on one (local diagnostics, live in the IDE). At the end
    /// of the compilation, where the TLS stream and its transport live in members (fields, a base class's, another
    /// object's), <see cref="AcrossMembers"/> reads the TLS001 flow model for which members hold the stream and walks the
    /// methods that may close the transport. Members that create no SslStream cost one type test per object creation and
    /// a dictionary lookup per body.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TransportClosedUnderTlsAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the TLS stream to close first.</summary>
        public const string NameProperty = "Name";

        /// <summary>Diagnostic property: "Local", "Parameter" or "Field".</summary>
        public const string EntityProperty = "Entity";

        /// <summary>Diagnostic property: "SslStream" when the name is declared as one (ShutdownAsync callable), else "Stream".</summary>
        public const string TypedProperty = "Typed";

        /// <summary>Diagnostic property: the local, parameter or field holding the object whose member the stream is, when
        /// the transport is closed from another type (<c>session.Socket.Shutdown(...)</c>: "session").</summary>
        public const string InstanceProperty = "Instance";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.TransportClosedUnderTls, Descriptors.TransportClosedUnderTlsAcrossMethods, Descriptors.TransportClosedUnderTlsBySetter);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                // A compilation that cannot hold an SslStream has nothing for these rules: register nothing.
                if (!TlsGate.MayHoldSslStream(start.Compilation, start.CancellationToken))
                {
                    return;
                }

                var compilation = start.Compilation;
                var options = start.Options;
                var lookups = new PerCompilation<Holder>(_ => new Holder(CompilationFlow.For(compilation, options)));
                var marked = new ConcurrentDictionary<SyntaxNode, bool>();
                var creations = new ConcurrentBag<TlsCreation>();
                var kept = new ConcurrentBag<MemberBody>();
                var reported = new ConcurrentDictionary<Location, bool>();
                // By reference: a type symbol is one object per compilation (cheaper than the symbol comparer, asked once per body).
                var keepType = new ConcurrentDictionary<INamedTypeSymbol, bool>(ByReference.Instance);
                start.RegisterOperationAction(
                    c =>
                    {
                        if (lookups.Get(c.CancellationToken).Flow is { } flow && flow.Symbols.IsSslStream(c.Operation.Type))
                        {
                            marked.TryAdd(OperationHelpers.RootOf(c.Operation).Syntax, true);
                        }
                    },
                    OperationKind.ObjectCreation);

                // Operation actions of a member run before its block actions: the mark is there by now.
                start.RegisterOperationBlockAction(block =>
                {
                    if (lookups.Get(block.CancellationToken).Flow is not { } flow)
                    {
                        return;
                    }

                    // The bodies of the types that may keep a TLS stream or its transport in a member are kept for the end of
                    // the compilation, when every member that may close one has been seen. (No closure per body: this runs
                    // for every member of the compilation.)
                    var type = block.OwningSymbol.ContainingType;
                    var keep = false;
                    if (type != null && !keepType.TryGetValue(type, out keep))
                    {
                        keep = TransportHolders.MayKeep(flow.Symbols, type);
                        keepType.TryAdd(type, keep);
                    }

                    foreach (var operationBlock in block.OperationBlocks)
                    {
                        var root = OperationHelpers.RootOf(operationBlock);
                        var body = new MemberBody(root, block.OwningSymbol);
                        if (marked.TryRemove(root.Syntax, out _))
                        {
                            Analyze(block.GetControlFlowGraph(operationBlock), flow.Symbols, body, block.ReportDiagnostic, creations, reported);
                        }

                        if (keep)
                        {
                            kept.Add(body);
                            flow.Keep(root);
                        }
                    }
                });
                start.RegisterCompilationEndAction(end =>
                {
                    if (creations.IsEmpty || lookups.Get(end.CancellationToken).Flow is not { } flow)
                    {
                        return;
                    }

                    var reportedHere = new HashSet<Location>(reported.Keys);
                    foreach (var diagnostic in AcrossCompilation(flow, creations.ToList(), kept, compilation, reportedHere, end.CancellationToken))
                    {
                        end.ReportDiagnostic(diagnostic);
                    }
                });
            });
        }

        private static List<Diagnostic> AcrossCompilation(CompilationFlow flow, List<TlsCreation> creations, IEnumerable<MemberBody> kept, Compilation compilation, ISet<Location> reported, System.Threading.CancellationToken cancellationToken)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var bodies = kept.Concat(creations.Select(c => c.Body)).ToList();

            // The flow model is fed by TLS001's operation action; when that rule does not run (turned off), TLS004 feeds it
            // here from the bodies it kept (the model then knows those bodies only).
            if (creations.All(c => flow.FactsOf(c.Body.Root) == null))
            {
                Feed(flow, bodies);
            }

            DebugTrace.Write($"end: {bodies.Count} kept bodies, fed {creations.Any(c => flow.FactsOf(c.Body.Root) != null)} at {watch.ElapsedMilliseconds} ms");
            var model = flow.Model(cancellationToken);
            DebugTrace.Write($"end: model at {watch.ElapsedMilliseconds} ms");
            if (model.IsEmpty)
            {
                return new List<Diagnostic>();
            }

            // Of the model's bodies, those TLS004 may need beyond its own: a caller that hands a stream to the method creating
            // the SslStream, a method of another type that closes a socket.
            var creating = new HashSet<ISymbol>(creations.Select(c => c.Body.Owner), SymbolEqualityComparer.Default);
            var modelBodies = model.BodiesByType.Values.SelectMany(list => list).Select(b => (Facts: b, Body: new MemberBody(b.Root, b.Owner)));
            var callers = modelBodies.Where(b => b.Facts.Edges.Any(e => e.Target.Symbol is IParameterSymbol { ContainingSymbol: { } method } && creating.Contains(method)));
            var closers = modelBodies.Where(b => b.Facts.ClosesSocket);
            var index = new BodyIndex(InOrder(bodies), InOrder(callers.Select(b => b.Body)), InOrder(closers.Select(b => b.Body)), flow.Symbols);
            DebugTrace.Write($"end: index of {index.Bodies.Count} bodies at {watch.ElapsedMilliseconds} ms");
            var ordered = creations.OrderBy(c => c.Site.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(c => c.Site.SpanStart).ToList();
            var result = AcrossMembers.Analyze(flow.Symbols, model, ordered, index, compilation, reported, cancellationToken);
            DebugTrace.Write($"end: analyzed at {watch.ElapsedMilliseconds} ms");
            return result;
        }

        /// <summary>Bodies in source order: what is reported, and in which order, does not depend on the driver's threads.</summary>
        private static IEnumerable<MemberBody> InOrder(IEnumerable<MemberBody> bodies) =>
            bodies.OrderBy(b => b.Root.Syntax.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(b => b.Root.Syntax.SpanStart);

        private static void Feed(CompilationFlow flow, IEnumerable<MemberBody> bodies)
        {
            var kinds = new HashSet<OperationKind>(BodyFactCollector.Kinds);
            var seen = new HashSet<SyntaxNode>();
            foreach (var body in bodies)
            {
                if (seen.Add(body.Root.Syntax))
                {
                    foreach (var operation in body.Root.DescendantsAndSelf())
                    {
                        if (kinds.Contains(operation.Kind))
                        {
                            flow.Record(operation, body.Owner);
                        }
                    }
                }
            }
        }

        private static void Analyze(ControlFlowGraph graph, KnownSymbols symbols, MemberBody body, System.Action<Diagnostic> report, ConcurrentBag<TlsCreation> creations, ConcurrentDictionary<Location, bool> reported)
        {
            var root = body.Root;
            var paths = new NormalPaths(graph);
            foreach (var operation in root.Descendants())
            {
                if (operation is not IObjectCreationOperation { Arguments.IsEmpty: false } creation || !symbols.IsSslStream(creation.Type))
                {
                    continue;
                }

                var ssl = TlsTarget(creation);
                var aliases = ssl == null ? new HashSet<ISymbol>(SymbolEqualityComparer.Default) : StreamAliases.Of(root, ssl);
                var transports = TransportSymbols.Of(root, creation.Arguments[0].Value, aliases);
                creations.Add(new TlsCreation(creation.Syntax, body, transports));
                if (ssl == null || transports.Count == 0)
                {
                    continue;
                }

                var events = new TransportEvents(symbols, paths, aliases, transports, body.Owner.ContainingType);
                events.Collect(root);
                var noSession = new NoSession(symbols, paths, root, o => IsAlias(o, aliases));
                foreach (var start in events.Uses)
                {
                    foreach (var index in paths.Reached(start, events.ClosePoints, events.Stops, noSession.DeadSide, targetsStop: true))
                    {
                        var (_, what, location) = events.Closes[index];
                        if (reported.TryAdd(location, true))
                        {
                            report(Diagnostic.Create(Descriptors.TransportClosedUnderTls, location, PropertiesOf(symbols, ssl), what, ssl.Name));
                        }
                    }
                }
            }
        }

        /// <summary>The variable or field the new SslStream goes into; null when it goes straight elsewhere (an argument, a return).</summary>
        internal static ISymbol? TlsTarget(IObjectCreationOperation creation)
        {
            // Through conversions, and through the branches of a choice: var ssl = certificates == null ? new SslStream(a) : new SslStream(a, ...).
            IOperation value = creation;
            while (value.Parent is IConversionOperation || (value.Parent is IConditionalOperation choice && choice.Condition != value))
            {
                value = value.Parent;
            }

            return value.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation assignment when assignment.Value == value => OperationHelpers.ReferencedSymbol(assignment.Target),
                _ => null,
            };
        }

        private static bool IsAlias(IOperation operation, HashSet<ISymbol> aliases) =>
            OperationHelpers.ReferencedSymbol(operation) is { } symbol && aliases.Contains(symbol);

        internal static ImmutableDictionary<string, string?> PropertiesOf(KnownSymbols symbols, ISymbol ssl) =>
            ImmutableDictionary<string, string?>.Empty
                .Add(NameProperty, ssl.Name)
                .Add(EntityProperty, ssl switch { ILocalSymbol => "Local", IParameterSymbol => "Parameter", _ => "Field" })
                .Add(TypedProperty, symbols.IsSslStream(ValueSources.TypeOf(ssl)) ? "SslStream" : "Stream");

        private sealed class Holder
        {
            public Holder(CompilationFlow? flow) => Flow = flow;

            public CompilationFlow? Flow { get; }
        }
    }
}
