using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// What a type does to the blocking mode of its sockets (TLS002): which sockets it makes non-blocking
    /// (<c>Socket.Blocking = false</c> on a field, property, local or parameter), which of its methods may do so, and
    /// whether something makes a socket non-blocking that no symbol names (a native <c>BIO_set_nbio</c>/<c>fcntl</c>,
    /// <c>other.Socket.Blocking = false</c>).
    /// </summary>
    internal sealed class NonBlockingSockets
    {
        private NonBlockingSockets(bool unnamed, ImmutableHashSet<ISymbol> sockets, ImmutableHashSet<IMethodSymbol> setters)
        {
            Unnamed = unnamed;
            Sockets = sockets;
            Setters = setters;
        }

        /// <summary>Does the type make any socket non-blocking?</summary>
        public bool Any => Unnamed || !Sockets.IsEmpty;

        /// <summary>A socket made non-blocking that no symbol of the type names: no path can show it blocking again.</summary>
        public bool Unnamed { get; }

        /// <summary>The sockets set <c>Blocking = false</c>, by symbol.</summary>
        public ImmutableHashSet<ISymbol> Sockets { get; }

        /// <summary>The methods that set a socket's <c>Blocking</c> to anything but <c>true</c>: a call of one undoes a
        /// <c>Blocking = true</c> made before it.</summary>
        public ImmutableHashSet<IMethodSymbol> Setters { get; }

        public static NonBlockingSockets Of(IEnumerable<(IMethodSymbol? Owner, IOperation Body)> bodies, INamedTypeSymbol? socket, Func<IInvocationOperation, bool> isNativeNonBlocking)
        {
            var unnamed = false;
            var sockets = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
            var setters = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var (owner, body) in bodies)
            {
                foreach (var operation in body.DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation invocation && isNativeNonBlocking(invocation))
                    {
                        unnamed = true;
                    }
                    else if (SocketBlocking.BlockingAssignment(operation, socket) is { } assignment && assignment.Value != true)
                    {
                        if (owner != null)
                        {
                            setters.Add(owner.OriginalDefinition);
                        }

                        // Only a constant false makes the type non-blocking (Blocking = flag may well be true).
                        if (assignment.Value == false)
                        {
                            if (assignment.Socket is { } named)
                            {
                                sockets.Add(named);
                            }
                            else
                            {
                                unnamed = true;
                            }
                        }
                    }
                }
            }

            return new NonBlockingSockets(unnamed, sockets.ToImmutable(), setters.ToImmutable());
        }
    }

    /// <summary>
    /// "Is this socket blocking at this call?" over a function's control-flow graph: on every path from the function's
    /// entry to the call, the socket's last <c>Blocking</c> assignment set it to <c>true</c>, and nothing after it set it
    /// otherwise (a <c>Blocking</c> assignment that is not the constant <c>true</c>, the socket replaced or handed to a
    /// method, a call of a method of the type that sets a socket's mode). Catch and finally blocks start unknown: a
    /// socket is only known blocking there when they set it themselves.
    /// </summary>
    internal static class SocketBlocking
    {
        /// <summary>A <c>Socket.Blocking</c> assignment: the socket's symbol (null when no symbol of the type names it:
        /// <c>other.Socket</c>, a call's result) and the value (null when not a constant).</summary>
        internal readonly struct Assignment
        {
            public Assignment(ISymbol? socket, bool? value)
            {
                Socket = socket;
                Value = value;
            }

            public ISymbol? Socket { get; }

            public bool? Value { get; }
        }

        public static Assignment? BlockingAssignment(IOperation operation, INamedTypeSymbol? socket) =>
            socket != null && operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Blocking" } property } assignment
            && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, socket)
                ? new Assignment(SymbolOf(property.Instance), assignment.Value.ConstantValue is { HasValue: true, Value: bool value } ? value : (bool?)null)
                : (Assignment?)null;

        /// <summary>The symbol a socket expression names: a local, a parameter, or a field or property of this type's
        /// instance (or a static one); null for anything else.</summary>
        public static ISymbol? SymbolOf(IOperation? operation) => Flow.OperationHelpers.StripConversions(operation) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.IsEmpty: true } property => property.Property.OriginalDefinition,
            _ => null,
        };

        /// <summary>The graph of <paramref name="function"/>: the member's own (<paramref name="root"/>) for its body,
        /// else the graph of the lambda or local function (nested ones through their parents'); null when not found.</summary>
        public static ControlFlowGraph? GraphOf(Func<ControlFlowGraph> root, IOperation function, CancellationToken cancellationToken)
        {
            try
            {
                return GraphOf(root(), function, cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Not a body the driver builds a graph for (an attribute argument, say): nothing to walk.
                return null;
            }
        }

        private static ControlFlowGraph? GraphOf(ControlFlowGraph root, IOperation function, CancellationToken cancellationToken)
        {
            var chain = new Stack<IOperation>();
            for (var current = function; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    chain.Push(current);
                }
            }

            var graph = root;
            foreach (var nested in chain)
            {
                graph = nested switch
                {
                    ILocalFunctionOperation local when graph.LocalFunctions.Contains(local.Symbol) => graph.GetLocalFunctionControlFlowGraph(local.Symbol, cancellationToken),
                    IAnonymousFunctionOperation lambda when FlowLambda(graph, lambda.Symbol) is { } flow => graph.GetAnonymousFunctionControlFlowGraph(flow, cancellationToken),
                    _ => null,
                };
                if (graph == null)
                {
                    return null;
                }
            }

            return graph;
        }

        /// <summary>On every path to <paramref name="call"/> in <paramref name="graph"/>, was <paramref name="socket"/> last
        /// set blocking?</summary>
        public static bool IsBlockingAt(ControlFlowGraph graph, SyntaxNode call, ISymbol socket, NonBlockingSockets type, INamedTypeSymbol socketType)
        {
            var blocks = graph.Blocks;
            var effects = new List<(int Index, int Start, bool Blocking)>[blocks.Length];
            (int Block, int Index, int Start)? at = null;
            foreach (var block in blocks)
            {
                var list = new List<(int, int, bool)>();
                for (var i = 0; i <= block.Operations.Length; i++)
                {
                    var operation = i < block.Operations.Length ? block.Operations[i] : block.BranchValue;
                    foreach (var node in operation?.DescendantsAndSelf() ?? Array.Empty<IOperation>())
                    {
                        if (at == null && node is IInvocationOperation && node.Syntax == call)
                        {
                            at = (block.Ordinal, i, node.Syntax.SpanStart);
                        }

                        if (EffectOn(node, socket, type, socketType) is { } blocking)
                        {
                            list.Add((i, node.Syntax.SpanStart, blocking));
                        }
                    }
                }

                list.Sort((a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : a.Item2.CompareTo(b.Item2));
                effects[block.Ordinal] = list;
            }

            if (at is not { } point)
            {
                return false;
            }

            var entry = StartStates(graph, effects);
            var state = entry[point.Block];
            foreach (var (index, start, blocking) in effects[point.Block])
            {
                if (index < point.Index || (index == point.Index && start < point.Start))
                {
                    state = blocking;
                }
            }

            return state;
        }

        /// <summary>The must-be-blocking state at each block's start: false at the entry and where no normal edge leads
        /// (catch and finally blocks), the meet of the predecessors' ends elsewhere, to a fixed point.</summary>
        private static bool[] StartStates(ControlFlowGraph graph, List<(int Index, int Start, bool Blocking)>[] effects)
        {
            var blocks = graph.Blocks;
            var start = new bool[blocks.Length];
            var end = new bool[blocks.Length];
            for (var i = 0; i < blocks.Length; i++)
            {
                start[i] = end[i] = true;
            }

            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var block in blocks)
                {
                    var state = block.Kind != BasicBlockKind.Entry && !block.Predecessors.IsEmpty;
                    foreach (var branch in block.Predecessors)
                    {
                        state &= end[branch.Source.Ordinal] && !UndoneInFinally(branch, effects);
                    }

                    var last = state;
                    foreach (var effect in effects[block.Ordinal])
                    {
                        last = effect.Blocking;
                    }

                    if (state != start[block.Ordinal] || last != end[block.Ordinal])
                    {
                        start[block.Ordinal] = state;
                        end[block.Ordinal] = last;
                        changed = true;
                    }
                }
            }

            return start;
        }

        // A branch that leaves a try runs its finally blocks: one that may set the socket otherwise undoes a blocking state.
        private static bool UndoneInFinally(ControlFlowBranch branch, List<(int Index, int Start, bool Blocking)>[] effects)
        {
            foreach (var region in branch.FinallyRegions)
            {
                for (var ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal; ordinal++)
                {
                    foreach (var effect in effects[ordinal])
                    {
                        if (!effect.Blocking)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>true where the operation sets the socket blocking, false where it may set it otherwise, null where it
        /// does not touch it.</summary>
        private static bool? EffectOn(IOperation operation, ISymbol socket, NonBlockingSockets type, INamedTypeSymbol socketType)
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation assignment when BlockingAssignment(assignment, socketType) is { } blocking:
                    // A Blocking = false on a socket no symbol names may be this one; a true there says nothing of it.
                    return blocking.Socket == null ? (blocking.Value == true ? (bool?)null : false)
                        : SymbolEqualityComparer.Default.Equals(blocking.Socket, socket) ? blocking.Value == true : (bool?)null;
                case ISimpleAssignmentOperation or ICompoundAssignmentOperation or IDeconstructionAssignmentOperation when Names(((IAssignmentOperation)operation).Target, socket):
                    return false;
                case IArgumentOperation argument when Names(argument.Value, socket):
                    return false;
                case IInvocationOperation invocation when type.Setters.Contains(invocation.TargetMethod.OriginalDefinition):
                    return false;
                default:
                    return null;
            }
        }

        // The socket itself, not a member of it: _socket = other, (_socket, x) = pair, Use(_socket); not _socket.Handle.
        private static bool Names(IOperation target, ISymbol socket) =>
            target is ITupleOperation tuple
                ? tuple.Elements.Any(element => Names(element, socket))
                : SymbolEqualityComparer.Default.Equals(SymbolOf(target), socket);

        private static IFlowAnonymousFunctionOperation? FlowLambda(ControlFlowGraph graph, IMethodSymbol symbol)
        {
            foreach (var block in graph.Blocks)
            {
                for (var i = 0; i <= block.Operations.Length; i++)
                {
                    var operation = i < block.Operations.Length ? block.Operations[i] : block.BranchValue;
                    foreach (var node in operation?.DescendantsAndSelf() ?? Array.Empty<IOperation>())
                    {
                        if (node is IFlowAnonymousFunctionOperation flow && SymbolEqualityComparer.Default.Equals(flow.Symbol, symbol))
                        {
                            return flow;
                        }
                    }
                }
            }

            return null;
        }
    }
}
