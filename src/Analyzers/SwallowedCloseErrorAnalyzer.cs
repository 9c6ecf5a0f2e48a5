// TLS003: a catch that swallows every error around a TLS close, or turns a read error into end of data.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Two passes, like TLS001 (docs/architecture.md). Each try with a catch that does nothing is decided from its member
    /// and type while the driver hands it over (a shutdown, a typed or locally assigned TLS stream, a local TLS001 walks):
    /// those diagnostics are local, live in the IDE. A try whose answer needs the whole compilation (a Stream field given
    /// its stream in another type, an owner's close, a call that closes two or three calls down, whether TLS001 reports the
    /// disposal) waits for the end of the compilation, where the TLS001 flow model answers.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SwallowedCloseErrorAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: "Close" (a close or drain in the try) or "ReadLoop" (a read loop).</summary>
        public const string ShapeProperty = "Shape";

        public const string CloseShape = "Close";
        public const string ReadLoopShape = "ReadLoop";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.SwallowedCloseError, Descriptors.SwallowedReadError, Descriptors.SwallowedCloseErrorAcrossMethods, Descriptors.SwallowedReadErrorAcrossMethods);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (!TlsGate.MayHoldSslStream(start.Compilation, start.CancellationToken))
                {
                    return;
                }

                // Symbols are looked up at the first try statement, not here (see PerCompilation).
                var compilation = start.Compilation;
                var options = start.Options;
                var lookups = new PerCompilation<Lookups>(_ => new Lookups(compilation, options));
                var fieldsByType = new ConcurrentDictionary<INamedTypeSymbol, EntityTable>(SymbolEqualityComparer.Default);
                var pending = new ConcurrentQueue<Pending>();
                start.RegisterOperationAction(
                    c =>
                    {
                        long stamp = 0;
                        CostProfile.Start(ref stamp);
                        if (lookups.Get(c.CancellationToken) is { Flow: { } } found)
                        {
                            AnalyzeTry(c, found, fieldsByType, pending);
                        }

                        CostProfile.Stop("TLS003 try", stamp);
                    },
                    OperationKind.Try);
                start.RegisterCompilationEndAction(end =>
                {
                    if (!pending.IsEmpty && lookups.Get(end.CancellationToken) is { Flow: { } } found)
                    {
                        AnalyzeAcrossMethods(end, found, pending);
                    }

                    CostProfile.Flush("TLS003 end");
                });
            });
        }

        private sealed class Lookups
        {
            public Lookups(Compilation compilation, AnalyzerOptions options)
            {
                Compilation = compilation;
                Flow = CompilationFlow.For(compilation, options);
                Types = new CloseTypes(compilation);
                if (Flow != null)
                {
                    Owners = new TlsOwners(Flow.Symbols, compilation.Assembly);
                    Tls001 = new Tls001Sites(Flow);
                }
            }

            public Compilation Compilation { get; }

            /// <summary>The TLS001 flow model's compilation state (shared with TLS001); null when SslStream is not visible.</summary>
            public CompilationFlow? Flow { get; }

            public CloseTypes Types { get; }

            public TlsOwners Owners { get; } = null!;

            public Tls001Sites Tls001 { get; } = null!;
        }

        /// <summary>A try whose catches wait for the end of the compilation: those its member could not decide, and, in a
        /// method that may run only as cleanup after a failure, those it did (reported unless the method is such cleanup).</summary>
        private sealed class Pending
        {
            public Pending(ITryOperation tryOperation, ISymbol owner, List<ICatchClauseOperation> catches, List<Decision>? decided = null, IMethodSymbol? cleanupCandidate = null)
            {
                Try = tryOperation;
                Owner = owner;
                Catches = catches;
                Decided = decided ?? new List<Decision>();
                CleanupCandidate = cleanupCandidate;
            }

            public ITryOperation Try { get; }

            public ISymbol Owner { get; }

            public List<ICatchClauseOperation> Catches { get; }

            public List<Decision> Decided { get; }

            public IMethodSymbol? CleanupCandidate { get; }
        }

        private static void AnalyzeTry(OperationAnalysisContext context, Lookups lookups, ConcurrentDictionary<INamedTypeSymbol, EntityTable> fieldsByType, ConcurrentQueue<Pending> pending)
        {
            var tryOperation = (ITryOperation)context.Operation;
            var catches = lookups.Types.Catches;

            // Cheapest test first: most catches do something with the error, or catch a narrow type.
            var suspects = tryOperation.Catches
                .Where(c => c.Filter == null && catches.IsBroadOrIO(c.ExceptionType) && c.Syntax is CatchClauseSyntax && catches.DoesNothing(c.Handler))
                .ToList();
            var symbols = lookups.Flow!.Symbols;
            // Cleanup in a catch that handles the first error (catch (Exception ex) { try { conn.Dispose(); } catch { } throw; }):
            // swallowing the second error there is the idiom that keeps the first one from being replaced.
            if (suspects.Count == 0 || OperationHelpers.IsInsideCatch(tryOperation)
                || (symbols.Options.IsEmpty && !CloseFinder.MayCloseOrRead(tryOperation.Body, lookups.Compilation.Assembly)))
            {
                return;
            }

            var root = OperationHelpers.RootOf(tryOperation);
            var knowledge = new TlsStreamReferences(
                symbols, lookups.Types, () => LocalStreams.FindHolders(symbols, root), () => FieldsOf(context, symbols, fieldsByType), lookups.Owners, lookups.Tls001, context.ContainingSymbol);
            var decisions = Decide(knowledge, tryOperation, suspects, root);
            if (decisions.All(d => d.Verdict == Verdict.No))
            {
                return;
            }

            var later = decisions.Where(d => d.Verdict == Verdict.Unknown).Select(d => d.Catch).ToList();
            var found = decisions.Where(d => d.Verdict == Verdict.Yes).ToList();

            // A method handed an exception may run only as cleanup after a failure, every caller handing it the one it
            // handles (TLS001's answer, CleanupCallers): the idiom above, one call down. Only every call of the compilation
            // tells, so its tries wait for the end.
            if (CleanupCandidate(context.ContainingSymbol, tryOperation, lookups.Flow!) is { } candidate)
            {
                pending.Enqueue(new Pending(tryOperation, context.ContainingSymbol, later, found, candidate));
                return;
            }

            foreach (var decision in found)
            {
                context.ReportDiagnostic(Create(decision, acrossMethods: false));
            }

            if (later.Count > 0)
            {
                pending.Enqueue(new Pending(tryOperation, context.ContainingSymbol, later));
            }
        }

        /// <summary>The method holding the try when it takes an exception, the try in its own body (a lambda's or local
        /// function's try runs when they are called, not when the method is).</summary>
        private static IMethodSymbol? CleanupCandidate(ISymbol owner, ITryOperation tryOperation, CompilationFlow flow)
        {
            if (owner is not IMethodSymbol method || !flow.Cleanup.TakesException(method))
            {
                return null;
            }

            for (var parent = tryOperation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return null;
                }
            }

            return method;
        }

        /// <summary>The tries the members alone could not decide, with the flow model: fed by TLS001 when it runs, by
        /// TLS003 itself otherwise.</summary>
        private static void AnalyzeAcrossMethods(CompilationAnalysisContext context, Lookups lookups, ConcurrentQueue<Pending> pending)
        {
            var flow = lookups.Flow!;
            if (!flow.IsFed)
            {
                FlowFeed.RecordAll(flow, lookups.Compilation, context.CancellationToken);
            }

            // Cleanup after a failure: swallowing its error keeps the first one from being replaced (see AnalyzeTry).
            var ordered = pending.Where(p => p.CleanupCandidate == null || !flow.Cleanup.IsCleanupOnly(p.CleanupCandidate))
                .OrderBy(p => p.Try.Syntax.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(p => p.Try.Syntax.SpanStart).ToList();
            CloseReach? reach = null;
            long stamp = 0;
            foreach (var item in ordered)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                foreach (var decision in item.Decided)
                {
                    context.ReportDiagnostic(Create(decision, acrossMethods: true));
                }

                if (item.Catches.Count == 0)
                {
                    continue;
                }

                reach ??= Reach(context, lookups);
                var root = OperationHelpers.RootOf(item.Try);
                CostProfile.Start(ref stamp);
                reach.SetOwner(root, item.Owner);
                foreach (var decision in Decide(reach, item.Try, item.Catches, root).Where(d => d.Verdict == Verdict.Yes))
                {
                    context.ReportDiagnostic(Create(decision, acrossMethods: true));
                }

                CostProfile.Stop("TLS003 end: decide", stamp);
            }
        }

        /// <summary>The flow model's answers, built for the first try that needs them.</summary>
        private static CloseReach Reach(CompilationAnalysisContext context, Lookups lookups)
        {
            long stamp = 0;
            CostProfile.Start(ref stamp);
            var model = lookups.Flow!.Model(context.CancellationToken);
            CostProfile.Stop("TLS003 end: model", stamp);
            CostProfile.Start(ref stamp);
            var reach = new CloseReach(lookups.Flow, model, lookups.Types, lookups.Compilation, lookups.Tls001, context.CancellationToken);
            CostProfile.Stop("TLS003 end: reach", stamp);
            return reach;
        }

        /// <summary>For each suspect catch: does the try raise a TLS close error (a broad catch swallows it), or read a TLS
        /// stream in a loop (a catch of IOException or broader takes its error for the end)?</summary>
        private static List<Decision> Decide(CloseKnowledge knowledge, ITryOperation tryOperation, List<ICatchClauseOperation> suspects, IOperation root)
        {
            var catches = knowledge.Types.Catches;
            var (closing, closed, _) = CloseFinder.FindClose(knowledge, tryOperation.Body, root, depth: 0);

            // A catch (IOException) is never a close's swallower, but around a read loop it still ends the data early.
            var (reading, read) = closing != Verdict.Yes || suspects.Any(c => !catches.IsBroad(c.ExceptionType))
                ? CloseFinder.FindReadLoop(knowledge, tryOperation)
                : (Verdict.No, null);
            var decisions = new List<Decision>(suspects.Count);
            foreach (var handler in suspects)
            {
                var broad = catches.IsBroad(handler.ExceptionType);
                if (broad && closing == Verdict.Yes)
                {
                    decisions.Add(new Decision(handler, Verdict.Yes, CloseShape, closed));
                }
                else if (broad && closing == Verdict.Unknown)
                {
                    // Which shape it is waits too: a close found later is the close's message and fix.
                    decisions.Add(new Decision(handler, Verdict.Unknown, CloseShape, closed));
                }
                else
                {
                    decisions.Add(new Decision(handler, reading, ReadLoopShape, read));
                }
            }

            return decisions;
        }

        private static Diagnostic Create(Decision decision, bool acrossMethods)
        {
            var syntax = (CatchClauseSyntax)decision.Catch.Syntax;
            var caught = syntax.Declaration == null ? "catch" : syntax.Declaration.Type.ToString();
            var end = syntax.Declaration?.Span.End ?? syntax.CatchKeyword.Span.End;
            var location = Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(syntax.CatchKeyword.SpanStart, end));
            var descriptor = (decision.Shape == CloseShape, acrossMethods) switch
            {
                (true, false) => Descriptors.SwallowedCloseError,
                (true, true) => Descriptors.SwallowedCloseErrorAcrossMethods,
                (false, false) => Descriptors.SwallowedReadError,
                _ => Descriptors.SwallowedReadErrorAcrossMethods,
            };
            return Diagnostic.Create(descriptor, location, ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, decision.Shape), caught, decision.What ?? "the TLS stream");
        }

        private readonly struct Decision
        {
            public Decision(ICatchClauseOperation handler, Verdict verdict, string shape, string? what)
            {
                Catch = handler;
                Verdict = verdict;
                Shape = shape;
                What = what;
            }

            public ICatchClauseOperation Catch { get; }

            public Verdict Verdict { get; }

            public string Shape { get; }

            public string? What { get; }
        }

        /// <summary>The containing type's fields that hold an SslStream; computed once per type, only for types that have Stream-like fields.</summary>
        private static EntityTable? FieldsOf(OperationAnalysisContext context, KnownSymbols symbols, ConcurrentDictionary<INamedTypeSymbol, EntityTable> cache)
        {
            var type = context.ContainingSymbol.ContainingType;
            if (type == null || !type.GetMembers().OfType<IFieldSymbol>().Any(f => symbols.CanHoldSslStream(f.Type)))
            {
                return null;
            }

            if (cache.TryGetValue(type, out var cached))
            {
                return cached;
            }

            var bodies = TypeBodies.InTree(type, context.Operation.SemanticModel!, context.CancellationToken);
            var (fields, _) = FieldStreams.Find(symbols, type, bodies);

            // A partial type seen from one file only is not cached: another file may see more of it.
            return type.DeclaringSyntaxReferences.Length == 1 ? cache.GetOrAdd(type, fields) : fields;
        }
    }
}
