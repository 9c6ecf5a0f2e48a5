using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// TLS001 for fields: follows each tracked field through the type's dispose methods (Dispose,
    /// DisposeAsync, Close...), entering the same-type methods they call, from a state where every field
    /// the type used is open. Done once per type; each method then reports the sites inside itself.
    /// </summary>
    internal static class FieldDisposals
    {
        private const int MaxInlineDepth = 8;

        private static readonly ImmutableHashSet<string> DisposeMethodNames =
            ImmutableHashSet.Create("Dispose", "DisposeAsync", "DisposeAsyncCore", "Close", "CloseAsync");

        public static Result ForType(KnownSymbols symbols, INamedTypeSymbol type, SemanticModel model, ConcurrentDictionary<INamedTypeSymbol, Result> cache, CancellationToken cancellationToken)
        {
            // A partial type seen from one file is not cached: the view from another file may differ.
            if (type.DeclaringSyntaxReferences.Length != 1)
            {
                return Analyze(symbols, type, model, cancellationToken);
            }

            return cache.GetOrAdd(type, t => Analyze(symbols, t, model, cancellationToken));
        }

        private static Result Analyze(KnownSymbols symbols, INamedTypeSymbol type, SemanticModel model, CancellationToken cancellationToken)
        {
            var bodies = TypeBodies.WithOwners(type, model, cancellationToken);
            var (fields, used) = FieldStreams.Find(symbols, type, bodies.Select(b => b.Body).ToList());
            var sites = new SiteCollector(fields, isField: true);
            if (fields.IsEmpty || used == 0)
            {
                return new Result(sites);
            }

            var methods = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var (owner, root) in bodies)
            {
                if (owner != null && OperationHelpers.BodyOf(root) is { } body)
                {
                    methods[owner.OriginalDefinition] = body;
                }
            }

            var disposeMethods = methods.Keys.Where(IsDisposeMethod).ToList();
            var calledByDispose = new HashSet<IMethodSymbol>(
                disposeMethods.SelectMany(m => methods[m].Descendants().OfType<IInvocationOperation>()).Select(i => i.TargetMethod.OriginalDefinition),
                SymbolEqualityComparer.Default);

            var inlining = new Stack<IMethodSymbol>();
            StreamState Enter(IInvocationOperation call, StreamState state)
            {
                var callee = call.TargetMethod.OriginalDefinition;
                if (!methods.TryGetValue(callee, out var calleeBody) || inlining.Contains(callee) || inlining.Count >= MaxInlineDepth)
                {
                    return state;
                }

                inlining.Push(callee);
                var after = new StreamFlowWalker(symbols, fields, sites.Add, Enter).Run(calleeBody, state);
                inlining.Pop();
                return after ?? state;
            }

            foreach (var root in disposeMethods.Where(m => !calledByDispose.Contains(m)))
            {
                inlining.Push(root);
                new StreamFlowWalker(symbols, fields, sites.Add, Enter).Run(methods[root], new StreamState(used, 0));
                inlining.Pop();
            }

            return new Result(sites);
        }

        private static bool IsDisposeMethod(IMethodSymbol method) =>
            !method.IsStatic
            && (DisposeMethodNames.Contains(method.Name)
                || method.ExplicitInterfaceImplementations.Any(i => DisposeMethodNames.Contains(i.Name)));

        /// <summary>The disposal sites found in one type.</summary>
        internal sealed class Result
        {
            private readonly SiteCollector _sites;

            public Result(SiteCollector sites) => _sites = sites;

            public void ReportAt(SyntaxNode node, Action<Diagnostic> report) => _sites.ReportAt(report, node);
        }
    }
}
