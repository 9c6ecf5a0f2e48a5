using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>A place in a control-flow graph: the block, the operation in it (the branch value comes last), and the
    /// syntax start, which orders two events inside one statement.</summary>
    internal readonly struct PathPoint
    {
        public PathPoint(int block, int index, int start)
        {
            Block = block;
            Index = index;
            Start = start;
        }

        public int Block { get; }

        public int Index { get; }

        public int Start { get; }

        public bool IsBefore(PathPoint other) => Index < other.Index || (Index == other.Index && Start < other.Start);
    }

    /// <summary>
    /// "Does this happen after that, on a path that ends normally?" over the driver's control-flow graph of one
    /// member (TLS004-TLS006). Catch blocks have no normal predecessor in the graph, so a path left by an exception (a
    /// failed handshake's cleanup) is never walked; finally blocks are walked where a branch leaves through them.
    /// </summary>
    internal sealed class NormalPaths
    {
        private readonly ControlFlowGraph _graph;
        private readonly Dictionary<SyntaxNode, PathPoint> _points = new Dictionary<SyntaxNode, PathPoint>();
        private readonly Dictionary<CaptureId, IOperation> _captures = new Dictionary<CaptureId, IOperation>();

        public NormalPaths(ControlFlowGraph graph)
        {
            _graph = graph;
            foreach (var block in graph.Blocks)
            {
                for (var i = 0; i <= block.Operations.Length; i++)
                {
                    var operation = i < block.Operations.Length ? block.Operations[i] : block.BranchValue;
                    if (operation == null)
                    {
                        continue;
                    }

                    foreach (var node in operation.DescendantsAndSelf())
                    {
                        if (!_points.ContainsKey(node.Syntax))
                        {
                            _points.Add(node.Syntax, new PathPoint(block.Ordinal, i, node.Syntax.SpanStart));
                        }

                        if (node is IFlowCaptureOperation capture && !_captures.ContainsKey(capture.Id))
                        {
                            _captures.Add(capture.Id, capture.Value);
                        }
                    }
                }
            }
        }

        /// <summary>Where an operation of the member's own tree runs (false inside a lambda or local function: they have graphs of their own).</summary>
        public bool TryLocate(SyntaxNode syntax, out PathPoint point) => _points.TryGetValue(syntax, out point);

        /// <summary>Every operation of the graph where it runs, the lowered ones included (the Dispose at the end of a using).</summary>
        public IEnumerable<(IOperation Operation, PathPoint Point)> Operations()
        {
            foreach (var block in _graph.Blocks)
            {
                for (var i = 0; i < block.Operations.Length; i++)
                {
                    foreach (var node in block.Operations[i].DescendantsAndSelf())
                    {
                        yield return (node, new PathPoint(block.Ordinal, i, node.Syntax.SpanStart));
                    }
                }
            }
        }

        /// <summary>The graph's value for a flow capture (<c>s?.M()</c> reads <c>s</c> through one), else the operation itself.</summary>
        public IOperation Resolve(IOperation operation) =>
            operation is IFlowCaptureReferenceOperation reference && _captures.TryGetValue(reference.Id, out var value) ? value : operation;

        /// <summary>
        /// The targets reached from <paramref name="from"/> on a normal path before any stop. <paramref name="deadSide"/>
        /// says whether a branch value means the tracked stream has nothing to close (it is null, say), and on which
        /// result: that side ends the path. With <paramref name="targetsStop"/>, a path ends at the first target it meets:
        /// what follows it is reported once, there (a socket shut down, then disposed).
        /// </summary>
        public List<int> Reached(PathPoint from, IReadOnlyList<PathPoint> targets, IReadOnlyList<PathPoint> stops, Func<IOperation, bool?>? deadSide = null, bool targetsStop = false)
        {
            var reached = new List<int>();
            var visited = new HashSet<int>();
            var pending = new Stack<int>();
            var ends = targetsStop ? Concat(stops, targets) : stops;
            if (Walk(from.Block, from, targets, stops, targetsStop, reached))
            {
                Continue(from.Block, pending, ends, deadSide);
            }

            while (pending.Count > 0)
            {
                var block = pending.Pop();
                if (visited.Add(block) && Walk(block, null, targets, stops, targetsStop, reached))
                {
                    Continue(block, pending, ends, deadSide);
                }
            }

            return reached;
        }

        /// <summary>Collects the targets of one block (after <paramref name="after"/> when given) up to its first stop (or
        /// its first target, when targets stop); false when the path ends in it.</summary>
        private static bool Walk(int block, PathPoint? after, IReadOnlyList<PathPoint> targets, IReadOnlyList<PathPoint> stops, bool targetsStop, List<int> reached)
        {
            PathPoint? firstStop = null;
            foreach (var stop in stops)
            {
                if (stop.Block == block && (after == null || after.Value.IsBefore(stop)) && (firstStop == null || stop.IsBefore(firstStop.Value)))
                {
                    firstStop = stop;
                }
            }

            var firstTarget = -1;
            for (var i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                if (target.Block == block && (after == null || after.Value.IsBefore(target)) && (firstStop == null || !firstStop.Value.IsBefore(target))
                    && (firstTarget < 0 || target.IsBefore(targets[firstTarget])))
                {
                    firstTarget = i;
                }
            }

            for (var i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                // A target at the stop's own place counts: a call may close the transport, then the TLS stream.
                if (target.Block == block && (after == null || after.Value.IsBefore(target)) && (firstStop == null || !firstStop.Value.IsBefore(target))
                    && (!targetsStop || i == firstTarget || !targets[firstTarget].IsBefore(target)) && !reached.Contains(i))
                {
                    reached.Add(i);
                }
            }

            return firstStop == null && (!targetsStop || firstTarget < 0);
        }

        private static IReadOnlyList<PathPoint> Concat(IReadOnlyList<PathPoint> first, IReadOnlyList<PathPoint> second)
        {
            var all = new List<PathPoint>(first.Count + second.Count);
            all.AddRange(first);
            all.AddRange(second);
            return all;
        }

        private void Continue(int ordinal, Stack<int> pending, IReadOnlyList<PathPoint> stops, Func<IOperation, bool?>? deadSide)
        {
            var block = _graph.Blocks[ordinal];
            var nullSide = block.BranchValue != null && block.ConditionKind != ControlFlowConditionKind.None && deadSide?.Invoke(block.BranchValue) is { } trueMeansDead
                ? (trueMeansDead == (block.ConditionKind == ControlFlowConditionKind.WhenTrue) ? block.ConditionalSuccessor : block.FallThroughSuccessor)
                : null;
            foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
            {
                if (branch == null || branch == nullSide)
                {
                    continue;
                }

                // A branch that leaves trys runs their finally blocks first, innermost first: each is walked, and a stop
                // in one (ssl.Dispose() in a finally, the end of a using) ends the path beyond it, the outer ones too.
                var stoppedInFinally = false;
                foreach (var region in branch.FinallyRegions)
                {
                    pending.Push(region.FirstBlockOrdinal);
                    if (HasStop(region, stops))
                    {
                        stoppedInFinally = true;
                        break;
                    }
                }

                if (branch.Destination != null && !stoppedInFinally)
                {
                    pending.Push(branch.Destination.Ordinal);
                }
            }
        }

        private static bool HasStop(ControlFlowRegion region, IReadOnlyList<PathPoint> stops)
        {
            foreach (var stop in stops)
            {
                if (stop.Block >= region.FirstBlockOrdinal && stop.Block <= region.LastBlockOrdinal)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Which result of a null test means null: true for <c>x == null</c>, <c>x is null</c> and the graph's
        /// own IsNull (of <c>x?.M()</c>); false for <c>x != null</c>, <c>x is not null</c>, <c>x is T</c>; null when
        /// <paramref name="value"/> is no null test of an operand <paramref name="isTracked"/> accepts.</summary>
        public bool? NullTestOf(IOperation value, Func<IOperation, bool> isTracked)
        {
            switch (value)
            {
                case IIsNullOperation isNull when isTracked(Resolve(isNull.Operand)):
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                    var operand = IsNullConstant(binary.RightOperand) ? binary.LeftOperand : IsNullConstant(binary.LeftOperand) ? binary.RightOperand : null;
                    return operand != null && isTracked(Resolve(operand)) ? binary.OperatorKind == BinaryOperatorKind.Equals : (bool?)null;
                case IIsPatternOperation pattern when isTracked(Resolve(pattern.Value)):
                    return pattern.Pattern switch
                    {
                        IConstantPatternOperation constant when IsNullConstant(constant.Value) => true,
                        INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when IsNullConstant(constant.Value) => false,
                        ITypePatternOperation or IDeclarationPatternOperation or IRecursivePatternOperation => false,
                        _ => null,
                    };
                case IIsTypeOperation isType when isTracked(Resolve(isType.ValueOperand)):
                    return false;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not when NullTestOf(not.Operand, isTracked) is { } inner:
                    return !inner;
                default:
                    return null;
            }
        }

        private static bool IsNullConstant(IOperation operation) =>
            Flow.OperationHelpers.StripConversions(operation) is { ConstantValue: { HasValue: true, Value: null } };
    }
}
