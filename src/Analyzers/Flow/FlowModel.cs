using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The compilation's map of where TLS streams can be: for every local, parameter, field, property, method return
    /// and delegate, the origins (<see cref="TlsOrigin"/>) it may hold, found flow-insensitively across methods and
    /// types; per origin, whether it is ever used and in which types it is closed; per method, what it does to its
    /// parameters. Built once per compilation from every body's <see cref="BodyFacts"/>; rules read it.
    /// </summary>
    internal sealed class FlowModel
    {
        private readonly OriginSets _sets;
        private readonly bool[] _used;
        private readonly HashSet<INamedTypeSymbol>[] _closedIn;
        private readonly ParameterSummaries _parameters;
        private readonly HashSet<Node> _usedReturns;
        private readonly Dictionary<INamedTypeSymbol, List<BodyFacts>> _bodiesByType;

        private FlowModel(
            ImmutableArray<TlsOrigin> origins,
            OriginSets sets,
            bool[] used,
            HashSet<INamedTypeSymbol>[] closedIn,
            ParameterSummaries parameters,
            HashSet<Node> usedReturns,
            Dictionary<INamedTypeSymbol, List<BodyFacts>> bodiesByType)
        {
            Origins = origins;
            _sets = sets;
            _used = used;
            _closedIn = closedIn;
            _parameters = parameters;
            _usedReturns = usedReturns;
            _bodiesByType = bodiesByType;
        }

        public static FlowModel Empty { get; } = new FlowModel(
            ImmutableArray<TlsOrigin>.Empty, new OriginSets(0), new bool[0], new HashSet<INamedTypeSymbol>[0],
            ParameterSummaries.Build(new BodyFacts[0], new List<(Node, Node)>()), new HashSet<Node>(),
            new Dictionary<INamedTypeSymbol, List<BodyFacts>>(SymbolEqualityComparer.Default));

        public ImmutableArray<TlsOrigin> Origins { get; }

        public bool IsEmpty => Origins.IsEmpty;

        /// <summary>The types with bodies the model read, and those bodies.</summary>
        public IReadOnlyDictionary<INamedTypeSymbol, List<BodyFacts>> BodiesByType => _bodiesByType;

        public static FlowModel Build(Compilation compilation, KnownSymbols symbols, ValueSources sources, IReadOnlyCollection<BodyFacts> bodies, CancellationToken cancellationToken)
        {
            var edges = new List<(Node Target, Node Source)>();
            var aliases = new List<(Node Property, Node Field)>();
            foreach (var body in bodies)
            {
                edges.AddRange(body.Edges);
                aliases.AddRange(body.Aliases);
            }

            // No code creates, receives or tests an SslStream: nothing more to do.
            if (!edges.Any(e => e.Source.Kind == NodeKind.Origin) && !bodies.Any(b => HasTypedNode(symbols, b)))
            {
                return Empty;
            }

            MemberLinks.Add(
                bodies.Select(b => b.ContainingType).OfType<INamedTypeSymbol>().Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default),
                sources, edges, aliases, cancellationToken);
            AddSetterValues(sources, edges);
            AddTestedBackwards(edges, aliases);
            AddDeclaredOrigins(symbols, bodies, edges);

            var origins = edges.Where(e => e.Source.Kind == NodeKind.Origin).Select(e => (TlsOrigin)e.Source.Key)
                .Distinct().OrderBy(o => o.SortKey, System.StringComparer.Ordinal).ToImmutableArray();
            var index = new Dictionary<Node, int>();
            for (var i = 0; i < origins.Length; i++)
            {
                index[Node.From(origins[i])] = i;
            }

            var sets = new OriginSets(origins.Length);
            foreach (var (target, source) in edges)
            {
                sets.AddEdge(target, source);
            }

            foreach (var body in bodies)
            {
                foreach (var node in body.Uses.Concat(body.Closes).Concat(body.Disposals))
                {
                    sets.IdOf(node);
                }
            }

            sets.Propagate(index);

            var used = new bool[origins.Length];
            var closedIn = new HashSet<INamedTypeSymbol>[origins.Length];
            for (var i = 0; i < closedIn.Length; i++)
            {
                closedIn[i] = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            }

            var bodiesByType = new Dictionary<INamedTypeSymbol, List<BodyFacts>>(SymbolEqualityComparer.Default);
            foreach (var body in bodies)
            {
                foreach (var node in body.Uses)
                {
                    foreach (var origin in sets.Of(node))
                    {
                        used[origin] = true;
                    }
                }

                foreach (var node in body.Closes)
                {
                    foreach (var origin in sets.Of(node))
                    {
                        if (body.ContainingType != null)
                        {
                            closedIn[origin].Add(body.ContainingType);
                        }
                    }
                }

                if (body.ContainingType is { } type)
                {
                    if (!bodiesByType.TryGetValue(type, out var list))
                    {
                        bodiesByType.Add(type, list = new List<BodyFacts>());
                    }

                    list.Add(body);
                }
            }

            var parameters = ParameterSummaries.Build(bodies, edges);
            return new FlowModel(origins, sets, used, closedIn, parameters, UsedReturns.Find(bodies, edges, parameters), bodiesByType);
        }

        /// <summary>The origins a symbol may hold (indexes into <see cref="Origins"/>).</summary>
        public int[] OriginsOf(ISymbol symbol) => _sets.Of(Node.Of(symbol));

        public bool MayHoldTls(ISymbol symbol) => _sets.HasAny(Node.Of(symbol));

        /// <summary>Every symbol that may hold a TLS stream (TLS004 asks which members of a type do).</summary>
        public IEnumerable<ISymbol> HoldingSymbols()
        {
            foreach (var node in _sets.Nodes)
            {
                if (node.Kind == NodeKind.Value && node.Symbol is { } symbol && _sets.HasAny(node))
                {
                    yield return symbol;
                }
            }
        }

        /// <summary>Authenticated, read, written or flushed somewhere, through any symbol that may hold it.</summary>
        public bool IsUsed(int origin) => _used[origin];

        /// <summary>Closed (ShutdownAsync, the runtime) in some type other than <paramref name="type"/>: from there,
        /// the order of that close and this type's disposal cannot be told, so nothing is claimed.</summary>
        public bool IsClosedOutside(int origin, INamedTypeSymbol? type) =>
            _closedIn[origin].Any(t => !SymbolEqualityComparer.Default.Equals(t, type));

        /// <summary>The method closes this parameter of its own, directly or through a method it hands it to.</summary>
        public bool ClosesParameter(IParameterSymbol parameter) => _parameters.Closes(parameter);

        public bool DisposesParameter(IParameterSymbol parameter) => _parameters.Disposes(parameter);

        /// <summary>The method authenticates, reads or writes this parameter of its own, directly or through a helper.</summary>
        public bool UsesParameter(IParameterSymbol parameter) => _parameters.Uses(parameter);

        /// <summary>The method, delegate or tuple item hands out a stream it used first (see <see cref="UsedReturns"/>).</summary>
        public bool YieldsUsedStream(Node node) => _usedReturns.Contains(node);

        private static bool HasTypedNode(KnownSymbols symbols, BodyFacts body) =>
            body.Uses.Concat(body.Closes).Concat(body.Disposals).Any(n => n.Symbol != null && symbols.IsSslStream(ValueSources.TypeOf(n.Symbol)));

        /// <summary>A Stream the code tests as an SslStream (<c>conn.Stream is SslStream</c>) may be one wherever that
        /// value is read from: through a property that returns a field, back to the field.</summary>
        private static void AddTestedBackwards(List<(Node Target, Node Source)> edges, List<(Node Property, Node Field)> aliases)
        {
            var backwards = aliases.ToLookup(a => a.Property, a => a.Field);
            var tested = edges.Where(e => e.Source.Kind == NodeKind.Origin && ((TlsOrigin)e.Source.Key).Kind == OriginKind.Tested).ToList();
            foreach (var (place, origin) in tested)
            {
                var seen = new HashSet<Node> { place };
                var pending = new Stack<Node>(new[] { place });
                while (pending.Count > 0)
                {
                    foreach (var field in backwards[pending.Pop()])
                    {
                        if (seen.Add(field))
                        {
                            edges.Add((field, origin));
                            pending.Push(field);
                        }
                    }
                }
            }
        }

        /// <summary>A symbol declared SslStream that no code of the compilation assigns (a parameter of a public method,
        /// a property another assembly sets) still holds one: its own declared origin.</summary>
        private static void AddDeclaredOrigins(KnownSymbols symbols, IReadOnlyCollection<BodyFacts> bodies, List<(Node Target, Node Source)> edges)
        {
            var assigned = new HashSet<Node>(edges.Select(e => e.Target));
            var candidates = new HashSet<Node>(edges.Select(e => e.Source));
            foreach (var body in bodies)
            {
                candidates.UnionWith(body.Uses);
                candidates.UnionWith(body.Closes);
                candidates.UnionWith(body.Disposals);
            }

            foreach (var node in candidates)
            {
                if (node.Kind == NodeKind.Value && node.Symbol is { } symbol and not IMethodSymbol && !assigned.Contains(node)
                    && ValueSources.TypeOf(symbol) is { } type && symbols.IsSslStream(type))
                {
                    edges.Add((node, Node.From(TlsOrigin.Declared(symbol, type))));
                }
            }
        }

        /// <summary>A setter's value parameter is whatever is assigned to its property (read where the setter uses it).</summary>
        private static void AddSetterValues(ValueSources sources, List<(Node Target, Node Source)> edges)
        {
            var values = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            foreach (var (target, source) in edges)
            {
                foreach (var node in new[] { target, source })
                {
                    if (node.Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.PropertySet } } parameter)
                    {
                        values.Add(parameter);
                    }
                }
            }

            foreach (var value in values)
            {
                if (((IMethodSymbol)value.ContainingSymbol).AssociatedSymbol is IPropertySymbol property && sources.IsRelevant(property.Type))
                {
                    edges.Add((Node.Of(value), Node.Of(property)));
                }
            }
        }
    }
}
