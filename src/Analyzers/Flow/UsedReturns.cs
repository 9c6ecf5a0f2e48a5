using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The methods, delegates and tuple items that hand out a stream they have already used: an upgrade helper or a
    /// factory that authenticates the SslStream before it returns it (<c>Task&lt;Stream&gt; ConnectAsync()</c>, an
    /// override of a template method, a lambda given to a "wrap" method). A symbol assigned one of those holds a stream
    /// that owes close_notify from that moment, whether or not the code that holds it reads or writes it.
    /// </summary>
    internal static class UsedReturns
    {
        public static HashSet<Node> Find(IEnumerable<BodyFacts> bodies, List<(Node Target, Node Source)> edges, ParameterSummaries parameters)
        {
            var found = new HashSet<Node>();
            foreach (var body in bodies)
            {
                Seed(body, parameters, found);
            }

            if (found.Count == 0)
            {
                return found;
            }

            // What a method returns, a call of it returns (through locals, overrides, interface members, delegates and
            // tuple items), to a fixed point. Fields and properties are not followed: what they hold is not handed out
            // by one method.
            var successors = new Dictionary<Node, List<Node>>();
            foreach (var (target, source) in edges)
            {
                if (IsCarrier(target) && IsCarrier(source))
                {
                    if (!successors.TryGetValue(source, out var list))
                    {
                        successors.Add(source, list = new List<Node>());
                    }

                    list.Add(target);
                }
            }

            var pending = new Stack<Node>(found);
            while (pending.Count > 0)
            {
                if (successors.TryGetValue(pending.Pop(), out var targets))
                {
                    foreach (var target in targets)
                    {
                        if (found.Add(target))
                        {
                            pending.Push(target);
                        }
                    }
                }
            }

            return found;
        }

        /// <summary>The returns of one body whose value the body used first: its own locals and parameters that it (or a
        /// helper it hands them to) authenticated, read or wrote, and the locals those were copied to.</summary>
        private static void Seed(BodyFacts body, ParameterSummaries parameters, HashSet<Node> found)
        {
            HashSet<Node>? used = null;
            foreach (var node in body.Uses)
            {
                if (node.Symbol is ILocalSymbol or IParameterSymbol)
                {
                    (used ??= new HashSet<Node>()).Add(node);
                }
            }

            foreach (var (target, source) in body.Edges)
            {
                if (target.Symbol is IParameterSymbol callee && parameters.Uses(callee) && source.Symbol is ILocalSymbol or IParameterSymbol)
                {
                    (used ??= new HashSet<Node>()).Add(source);
                }
            }

            if (used == null)
            {
                return;
            }

            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var (target, source) in body.Edges)
                {
                    if (used.Contains(source) && target.Kind == NodeKind.Value && target.Symbol is ILocalSymbol && used.Add(target))
                    {
                        changed = true;
                    }
                }
            }

            foreach (var (target, source) in body.Edges)
            {
                if (used.Contains(source) && IsReturn(target))
                {
                    found.Add(target);
                }
            }
        }

        private static bool IsReturn(Node node) =>
            (node.Kind == NodeKind.Value && node.Symbol is IMethodSymbol) || (node.Kind == NodeKind.Item && ((TupleItem)node.Key).Symbol is IMethodSymbol);

        /// <summary>A node a used stream is handed on through: a method's return (or one of its tuple items), what a
        /// delegate produces, a local.</summary>
        private static bool IsCarrier(Node node) => node.Kind switch
        {
            NodeKind.Value => node.Symbol is IMethodSymbol or ILocalSymbol,
            NodeKind.Produced => true,
            NodeKind.Item => ((TupleItem)node.Key).Symbol is IMethodSymbol or ILocalSymbol,
            _ => false,
        };
    }
}
