using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// TLS001 once the whole compilation is read: the streams that cross methods or types (fields and properties,
    /// wrappers that keep the stream they are given, parameters, locals handed to helpers of the compilation).
    /// For each type, each method that disposes one of them (in any method, not only Dispose) is walked path by
    /// path, entering the same-type methods it calls, from a state where every field or parameter whose stream is
    /// used somewhere is open. A private method its own type calls is walked from its callers instead.
    /// </summary>
    internal sealed class AcrossMethods
    {
        private const int MaxInlineDepth = 8;

        private readonly CompilationFlow _flow;
        private readonly FlowModel _model;
        private readonly CancellationToken _cancellationToken;

        public AcrossMethods(CompilationFlow flow, FlowModel model, CancellationToken cancellationToken)
        {
            _flow = flow;
            _model = model;
            _cancellationToken = cancellationToken;
        }

        public IEnumerable<Diagnostic> Analyze()
        {
            var diagnostics = new List<Diagnostic>();
            foreach (var pair in _model.BodiesByType.OrderBy(p => p.Value[0].Root.Syntax.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(p => p.Value[0].Root.Syntax.SpanStart))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                AnalyzeType(pair.Key, pair.Value, diagnostics);
            }

            return diagnostics;
        }

        private void AnalyzeType(INamedTypeSymbol type, List<BodyFacts> bodies, List<Diagnostic> diagnostics)
        {
            var disposed = new HashSet<ISymbol>(
                bodies.SelectMany(b => b.Disposals).Select(n => n.Symbol).Where(s => s is not null and not IMethodSymbol && _model.MayHoldTls(s)).Cast<ISymbol>(),
                SymbolEqualityComparer.Default);
            // The type's fields and properties that may hold a TLS stream are tracked whether or not they are disposed
            // directly: a local copy (var s = _stream;) may be what is disposed.
            var members = bodies.SelectMany(b => b.Uses.Concat(b.Closes).Concat(b.Disposals).Concat(b.Edges.Select(e => e.Source)))
                .Select(n => n.Symbol).OfType<ISymbol>().Where(s => s is IFieldSymbol or IPropertySymbol && IsMemberOf(s, type) && _model.MayHoldTls(s))
                .Distinct<ISymbol>(SymbolEqualityComparer.Default).OrderBy(s => s.Name, System.StringComparer.Ordinal).ToList();
            if (members.Count == 0 && disposed.Count == 0)
            {
                return;
            }

            // The locals a method analysis already owns are its business alone; a local a lambda or local function also
            // sees may be closed there, later (precision over reach).
            var claimed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var body in bodies)
            {
                if (body.HasTlsLocals)
                {
                    foreach (var table in LocalStreams.FindOwnedByFunction(_flow.Symbols, body.Root).Values)
                    {
                        claimed.UnionWith(table.Symbols);
                    }
                }
            }

            disposed.RemoveWhere(s => claimed.Contains(s) || s is ILocalSymbol local && StreamOwnership.IsCaptured(local, BodyOf(bodies, local)));
            var tracked = new HashSet<ISymbol>(members.Concat(disposed), SymbolEqualityComparer.Default);
            var aliases = Aliases.Find(_flow.Symbols, tracked.Contains, bodies.Select(b => b.Root), localsOnly: false, out var ends);
            AddSiblings(tracked, aliases, ends);
            members.RemoveAll(aliases.ContainsKey);
            var methods = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var body in bodies)
            {
                if (body.Owner is IMethodSymbol method && OperationHelpers.BodyOf(body.Root) is { } statements)
                {
                    methods[method.OriginalDefinition] = statements;
                }
            }

            // The other locals and parameters of each function that may hold a TLS stream are followed too, never reported
            // from here: what they hold when they are copied into a tracked symbol (stream = ssl) is what it holds.
            var feeders = FeedersByFunction(bodies, tracked, aliases);

            // A site inside a helper two roots enter is found twice: reported once.
            var found = new List<(Diagnostic Diagnostic, ISymbol Stream, bool ThroughPipe)>();
            var overrides = StreamOverrides.Of(_flow.Symbols, type, methods.Keys);
            foreach (var (function, body, withMembers) in Roots(bodies, methods, tracked, disposed))
            {
                if (function is IMethodSymbol reachedFromClose && overrides.IsReachedOnlyFromClose(reachedFromClose))
                {
                    continue;
                }

                // Cleanup after a failure (every call in a catch, or handed the exception it handles): nothing owed there.
                if (function is IMethodSymbol method && _flow.Cleanup.IsCleanupOnly(method))
                {
                    continue;
                }

                var locals = disposed.Where(s => s is ILocalSymbol or IParameterSymbol && SymbolEqualityComparer.Default.Equals(s.ContainingSymbol, function) && !aliases.ContainsKey(s))
                    .OrderBy(s => s.Name, System.StringComparer.Ordinal).ToList();
                var reportable = new HashSet<ISymbol>(withMembers ? members.Concat(locals) : locals, SymbolEqualityComparer.Default);
                var entities = new EntityTable(withMembers ? members.Concat(locals) : locals);
                foreach (var alias in aliases)
                {
                    entities.AddAlias(alias.Key, entities.IndexOf(alias.Value));
                }

                if (feeders.TryGetValue(function, out var functionFeeders))
                {
                    entities.AddRoots(functionFeeders);
                }

                var effects = new AcrossEffects(_flow, _model, type, entities, _cancellationToken);
                var sites = new SiteCollector(_flow.Symbols, entities, Descriptors.DisposedWithoutCloseNotifyAcrossMethods, effects.OriginClause);
                var inlining = new Stack<IMethodSymbol>();
                void Report(DisposalSite site)
                {
                    if (reportable.Contains(entities.Entities[entities.RootOf(site.Entity)]))
                    {
                        sites.Add(site);
                    }
                }

                effects.OwnCall = (call, state) => Inline(call, state, methods, overrides, inlining, effects, entities, Report);
                var stale = withMembers && function is IMethodSymbol root ? StaleFields.AtEntry(_flow.Symbols, entities, root, body, methods) : 0;
                new StreamFlowWalker(effects, entities, Report).Run(body, effects.EntryState(stale));
                found.AddRange(sites.Entries());
            }

            // One stream, one finding: a pipe reader and a pipe writer over it completed in two methods (a read loop's
            // finally, the close) are reported at the first completion only.
            var reported = new HashSet<Location>();
            var throughPipe = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var (diagnostic, stream, pipe) in found.OrderBy(f => f.Diagnostic.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(f => f.Diagnostic.Location.SourceSpan.Start))
            {
                if (reported.Add(diagnostic.Location) && (!pipe || throughPipe.Add(stream)))
                {
                    diagnostics.Add(diagnostic);
                }
            }
        }

        /// <summary>The body a local is declared in.</summary>
        private static IOperation BodyOf(List<BodyFacts> bodies, ILocalSymbol local)
        {
            foreach (var body in bodies)
            {
                if (local.DeclaringSyntaxReferences.Length > 0 && body.Root.Syntax.Span.Contains(local.DeclaringSyntaxReferences[0].Span)
                    && body.Root.Syntax.SyntaxTree == local.DeclaringSyntaxReferences[0].SyntaxTree)
                {
                    return body.Root;
                }
            }

            return bodies[0].Root;
        }

        /// <summary>A field or property this type's code reaches through <c>this</c>: its own, or a base type's.</summary>
        private static bool IsMemberOf(ISymbol member, INamedTypeSymbol type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(member.ContainingType, t))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Tracked symbols made from the same untracked one (<c>_stream = stream; _reader = PipeReader.Create(stream);
        /// _writer = PipeWriter.Create(stream);</c> with a constructor's parameter) name one stream: one of them, a Stream if
        /// there is one (what a fix can close), stands for the others, so that completing the reader and the writer is one
        /// disposal, reported once.
        /// </summary>
        private void AddSiblings(HashSet<ISymbol> tracked, Dictionary<ISymbol, ISymbol> aliases, Dictionary<ISymbol, ISymbol> ends)
        {
            foreach (var siblings in ends.Where(e => tracked.Contains(e.Key)).GroupBy(e => e.Value, e => e.Key, SymbolEqualityComparer.Default))
            {
                var ordered = siblings.OrderBy(s => _flow.Symbols.CanHoldSslStream(ValueSources.TypeOf(s)) ? 0 : 1).ThenBy(s => s.Name, System.StringComparer.Ordinal).ToList();
                // Aliases.Find may have made the first of them it met stand for the others: the Stream stands for them here.
                aliases.Remove(ordered[0]);
                for (var i = 1; i < ordered.Count; i++)
                {
                    aliases[ordered[i]] = ordered[0];
                }
            }

            // One step from each alias to what it stands for, whichever of the two pairings named it first; no cycle.
            foreach (var key in aliases.Keys.ToList())
            {
                var target = aliases[key];
                var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { key };
                while (aliases.TryGetValue(target, out var next) && seen.Add(target))
                {
                    target = next;
                }

                if (SymbolEqualityComparer.Default.Equals(target, key))
                {
                    aliases.Remove(key);
                }
                else
                {
                    aliases[key] = target;
                }
            }
        }

        /// <summary>Per function, its locals and parameters that may hold a TLS stream and are not tracked already.</summary>
        private Dictionary<ISymbol, List<ISymbol>> FeedersByFunction(List<BodyFacts> bodies, HashSet<ISymbol> tracked, Dictionary<ISymbol, ISymbol> aliases)
        {
            var feeders = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var body in bodies)
            {
                foreach (var (target, source) in body.Edges)
                {
                    foreach (var node in new[] { target, source })
                    {
                        if (node.Kind == NodeKind.Value && node.Symbol is ILocalSymbol or IParameterSymbol && node.Symbol.ContainingSymbol is { } function
                            && seen.Add(node.Symbol) && !tracked.Contains(node.Symbol) && !aliases.ContainsKey(node.Symbol) && _model.MayHoldTls(node.Symbol))
                        {
                            if (!feeders.TryGetValue(function, out var list))
                            {
                                feeders.Add(function, list = new List<ISymbol>());
                            }

                            list.Add(node.Symbol);
                        }
                    }
                }
            }

            foreach (var list in feeders.Values)
            {
                list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            }

            return feeders;
        }

        private StreamState Inline(
            IInvocationOperation call, StreamState state, Dictionary<IMethodSymbol, IOperation> methods, StreamOverrides overrides,
            Stack<IMethodSymbol> inlining, AcrossEffects effects, EntityTable entities, System.Action<DisposalSite> report)
        {
            var callee = overrides.RunBy(call)?.OriginalDefinition ?? call.TargetMethod.OriginalDefinition;
            if (!methods.TryGetValue(callee, out var body) || inlining.Contains(callee) || inlining.Count >= MaxInlineDepth
                || _flow.Cleanup.IsCleanupOnly(callee))
            {
                return state;
            }

            inlining.Push(callee);
            var after = new StreamFlowWalker(effects, entities, report).Run(body, state);
            inlining.Pop();
            return after ?? state;
        }

        /// <summary>
        /// The functions to walk: every lambda or local function that disposes a tracked stream, and every method
        /// that reaches such a disposal through its own type's calls, except the private ones their type calls: those
        /// are walked from their callers, with the state the callers leave, for the type's fields (and on their own
        /// for their own parameters and locals).
        /// </summary>
        private static IEnumerable<(ISymbol Function, IOperation Body, bool WithMembers)> Roots(
            List<BodyFacts> bodies, Dictionary<IMethodSymbol, IOperation> methods, HashSet<ISymbol> tracked, HashSet<ISymbol> disposed)
        {
            var direct = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var calls = new Dictionary<IMethodSymbol, HashSet<IMethodSymbol>>(SymbolEqualityComparer.Default);
            var calledHere = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var pair in methods)
            {
                var callees = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                foreach (var operation in pair.Value.Descendants())
                {
                    if (operation is IInvocationOperation { Instance: null or IInstanceReferenceOperation } invocation
                        && methods.ContainsKey(invocation.TargetMethod.OriginalDefinition))
                    {
                        callees.Add(invocation.TargetMethod.OriginalDefinition);
                    }
                    else if (IsDisposalOf(operation, tracked))
                    {
                        direct.Add(pair.Key);
                    }
                }

                calls[pair.Key] = callees;
                calledHere.UnionWith(callees.Where(c => !SymbolEqualityComparer.Default.Equals(c, pair.Key)));
            }

            var reaches = new HashSet<IMethodSymbol>(direct, SymbolEqualityComparer.Default);
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var pair in calls)
                {
                    if (!reaches.Contains(pair.Key) && pair.Value.Any(reaches.Contains))
                    {
                        reaches.Add(pair.Key);
                        changed = true;
                    }
                }
            }

            foreach (var pair in methods)
            {
                if (reaches.Contains(pair.Key) && !(pair.Key.DeclaredAccessibility == Accessibility.Private && calledHere.Contains(pair.Key)))
                {
                    yield return (pair.Key, pair.Value, true);
                }
                else if (disposed.Any(s => s is ILocalSymbol or IParameterSymbol && SymbolEqualityComparer.Default.Equals(s.ContainingSymbol, pair.Key)))
                {
                    yield return (pair.Key, pair.Value, false);
                }
            }

            foreach (var body in bodies)
            {
                foreach (var operation in body.Root.Descendants())
                {
                    var (symbol, lambdaBody) = operation switch
                    {
                        IAnonymousFunctionOperation lambda => ((ISymbol?)lambda.Symbol, (IOperation?)lambda.Body),
                        ILocalFunctionOperation local => (local.Symbol, (IOperation?)local.Body),
                        _ => (null, null),
                    };
                    if (symbol != null && lambdaBody != null && lambdaBody.Descendants().Any(d => IsDisposalOf(d, tracked)))
                    {
                        yield return (symbol, lambdaBody, true);
                    }
                }
            }
        }

        private static bool IsDisposalOf(IOperation operation, HashSet<ISymbol> disposed) => operation switch
        {
            IInvocationOperation invocation => OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(invocation.Instance)) is { } receiver && disposed.Contains(receiver)
                || invocation.Arguments.Any(a => OperationHelpers.ReferencedSymbol(a.Value) is { } argument && disposed.Contains(argument)),
            IUsingOperation usingStatement => usingStatement.Locals.Any(disposed.Contains) || OperationHelpers.ReferencedSymbol(usingStatement.Resources) is { } resource && disposed.Contains(resource),
            IUsingDeclarationOperation usingDeclaration => usingDeclaration.DeclarationGroup.Declarations.SelectMany(d => d.Declarators).Any(d => disposed.Contains(d.Symbol)),
            _ => false,
        };
    }
}
