using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>What calling a method does to a scope's instance: it closes the transport while the TLS stream may still
    /// be open (on some normal path, through its own callees too), and it may close the TLS stream.</summary>
    internal sealed class CallSummary
    {
        public static readonly CallSummary None = new CallSummary(false, false);

        public CallSummary(bool closesTransportFirst, bool mayCloseOwner)
        {
            ClosesTransportFirst = closesTransportFirst;
            MayCloseOwner = mayCloseOwner;
        }

        public bool ClosesTransportFirst { get; }

        public bool MayCloseOwner { get; }
    }

    /// <summary>
    /// One scope's analysis state at the end of the compilation: the graphs of the bodies it walks, and the summaries of
    /// the methods it meets as calls (memoized, a few calls deep; a virtual or interface call answers for every body of
    /// the compilation it may land on).
    /// </summary>
    internal sealed class ScopeAnalysis
    {
        private const int MaxDepth = 4;

        private readonly Dictionary<SyntaxNode, ControlFlowGraph?> _graphs;
        private readonly Dictionary<ISymbol, CallSummary> _summaries = new Dictionary<ISymbol, CallSummary>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _inProgress = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<MemberBody>> _implementations;
        private int _depth;

        public ScopeAnalysis(KnownSymbols symbols, FlowModel model, TlsScope scope, BodyIndex index, Dictionary<SyntaxNode, ControlFlowGraph?> graphs, Dictionary<ISymbol, List<MemberBody>> implementations, INamedTypeSymbol? exception)
        {
            Exception = exception;
            Symbols = symbols;
            Model = model;
            Scope = scope;
            Index = index;
            _graphs = graphs;
            _implementations = implementations;
        }

        public KnownSymbols Symbols { get; }

        /// <summary>System.Exception: a call that passes one handles an error.</summary>
        public INamedTypeSymbol? Exception { get; }

        public FlowModel Model { get; }

        public TlsScope Scope { get; }

        public BodyIndex Index { get; }

        /// <summary>The control-flow graph of a member body (shared by the scopes), or null when it has none.</summary>
        public ControlFlowGraph? Graph(MemberBody body)
        {
            if (!_graphs.TryGetValue(body.Root.Syntax, out var graph))
            {
                graph = GraphOf(body.Root);
                _graphs.Add(body.Root.Syntax, graph);
            }

            return graph;
        }

        /// <summary>A new control-flow graph of a body's root; null when it is no body the driver would build one for.</summary>
        public static ControlFlowGraph? GraphOf(IOperation root)
        {
            try
            {
                return root switch
                {
                    IMethodBodyOperation method => ControlFlowGraph.Create(method),
                    IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor),
                    IBlockOperation { Parent: null } block => ControlFlowGraph.Create(block),
                    _ => null,
                };
            }
            catch (System.ArgumentException)
            {
                // Not a body the driver would build a graph for: nothing to walk.
                return null;
            }
        }

        /// <summary>The summary of the method a call may run (null when no body of it is in the compilation).</summary>
        public CallSummary? SummaryOf(IInvocationOperation call)
        {
            var method = call.TargetMethod.OriginalDefinition;
            var virtualCall = call.IsVirtual && (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface);
            if (!virtualCall)
            {
                return Index.TryGetBody(method, out var body) ? SummaryOf(method, body) : null;
            }

            bool closes = false, mayClose = false, any = false;
            foreach (var body in BodiesOf(method))
            {
                var summary = SummaryOf((IMethodSymbol)body.Owner, body);
                closes |= summary.ClosesTransportFirst;
                mayClose |= summary.MayCloseOwner;
                any = true;
            }

            return any ? new CallSummary(closes, mayClose) : null;
        }

        /// <summary>Every body of the compilation a call of <paramref name="method"/> may run: its own, its overrides, its implementations.</summary>
        public List<MemberBody> BodiesOf(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            if (!_implementations.TryGetValue(method, out var bodies))
            {
                _implementations.Add(method, bodies = FindBodies(method));
            }

            return bodies;
        }

        private CallSummary SummaryOf(IMethodSymbol method, MemberBody body)
        {
            if (_summaries.TryGetValue(method, out var known))
            {
                return known;
            }

            if (_depth >= MaxDepth || !_inProgress.Add(method))
            {
                return CallSummary.None;
            }

            _depth++;
            try
            {
                var events = ScopeEvents.Of(this, body, instance: null);
                var summary = events == null ? CallSummary.None : new CallSummary(events.ReachedFromEntry().Count > 0, events.MayCloseOwner);
                DebugTrace.Write($"    summary {method.Name}: events {(events == null ? "none" : events.Closes.Count + " closes, paths " + (events.Paths != null))} -> closes first {summary.ClosesTransportFirst}, may close {summary.MayCloseOwner}");
                _summaries[method] = summary;
                return summary;
            }
            finally
            {
                _depth--;
                _inProgress.Remove(method);
            }
        }

        /// <summary>The bodies of the index a call of <paramref name="method"/> may run: its own, its overrides, its
        /// implementations (found once per method asked about).</summary>
        private List<MemberBody> FindBodies(IMethodSymbol method)
        {
            var found = new List<MemberBody>();
            var isInterface = method.ContainingType?.TypeKind == TypeKind.Interface;
            foreach (var body in Index.Bodies)
            {
                if (body.Owner is not IMethodSymbol candidate || body.Root is not (IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation))
                {
                    continue;
                }

                var runs = SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, method);
                for (var overridden = candidate.OverriddenMethod; !runs && overridden != null; overridden = overridden.OverriddenMethod)
                {
                    runs = SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method);
                }

                if (!runs && isInterface && candidate.Name == method.Name && candidate.ContainingType.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, method.ContainingType!.OriginalDefinition)))
                {
                    runs = candidate.ContainingType.FindImplementationForInterfaceMember(method) is { } implementation
                        && SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, candidate.OriginalDefinition);
                }

                if (runs)
                {
                    found.Add(body);
                }
            }

            return found;
        }
    }
}
