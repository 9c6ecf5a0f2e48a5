using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// The shape of a drain (TLS006): <c>while (await s.ReadAsync(buf) &gt; 0) { }</c>, <c>while ((n = s.Read(...)) != 0)</c>,
    /// <c>do { n = ... } while (n &gt; 0)</c>, <c>while (true) { var n = ...; if (n == 0) break; }</c>. A loop with any other
    /// way out (a byte counter, a deadline, a flag) is bounded by the code, and not a drain this rule claims.
    /// </summary>
    internal static class DrainLoops
    {
        /// <summary>Every way out of the loop tests the read's result against 0, and there is one.</summary>
        public static bool EndsOnlyAtEndOfStream(ILoopOperation loop, IInvocationOperation read)
        {
            var count = CountLocal(read);
            var condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            var endsInCondition = condition != null && IsZeroTest(condition, read, count);
            if (condition != null && !endsInCondition && condition.ConstantValue is not { HasValue: true, Value: true })
            {
                return false;
            }

            var endsInBody = false;
            foreach (var exit in loop.Body.DescendantsAndSelf())
            {
                var leaves = exit switch
                {
                    IBranchOperation { BranchKind: BranchKind.Break } branch => !InsideNestedBreakable(branch, loop),
                    IBranchOperation { BranchKind: BranchKind.GoTo } => true,
                    IReturnOperation or IThrowOperation => true,
                    _ => false,
                };
                if (!leaves)
                {
                    continue;
                }

                if (!(GuardOf(exit, loop) is { } guard && IsZeroTest(guard, read, count)))
                {
                    return false;
                }

                endsInBody = true;
            }

            return endsInCondition || endsInBody;
        }

        /// <summary>The loop only reads and throws the bytes away: the runtime's bounded close can take its place.</summary>
        public static bool OnlyDiscards(ILoopOperation loop, IInvocationOperation read)
        {
            if (loop is IForLoopOperation { Before.IsEmpty: false } or IForLoopOperation { AtLoopBottom.IsEmpty: false })
            {
                return false;
            }

            var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArrayOf(loop.Body);
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case IEmptyOperation:
                        continue;
                    case IExpressionStatementOperation or IVariableDeclarationGroupOperation when statement.DescendantsAndSelf().Contains(read):
                        continue;
                    case IConditionalOperation { WhenFalse: null } conditional when IsBreak(conditional.WhenTrue):
                        continue;
                    default:
                        return false;
                }
            }

            return true;
        }

        private static System.Collections.Immutable.ImmutableArray<IOperation> ImmutableArrayOf(IOperation operation) =>
            System.Collections.Immutable.ImmutableArray.Create(operation);

        private static bool IsBreak(IOperation operation) =>
            operation is IBranchOperation { BranchKind: BranchKind.Break } || (operation is IBlockOperation { Operations.Length: 1 } block && IsBreak(block.Operations[0]));

        /// <summary>The result of the read as the loop sees it: through await, ConfigureAwait and conversions.</summary>
        public static IOperation ValueOf(IInvocationOperation read)
        {
            IOperation current = read;
            while (current.Parent is IAwaitOperation or IConversionOperation
                   || (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == current))
            {
                current = current.Parent;
            }

            return current;
        }

        /// <summary>The local the count goes into: <c>n = await s.ReadAsync(...)</c> or <c>var n = s.Read(...)</c>.</summary>
        private static ILocalSymbol? CountLocal(IInvocationOperation read) => ValueOf(read).Parent switch
        {
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } => local.Local,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            _ => null,
        };

        /// <summary><c>x &gt; 0</c>, <c>x != 0</c>, <c>x == 0</c>, <c>x &lt;= 0</c>, <c>x &lt; 1</c> on the read's result or its count local.</summary>
        private static bool IsZeroTest(IOperation condition, IInvocationOperation read, ILocalSymbol? count)
        {
            if (OperationHelpers.StripConversions(condition) is not IBinaryOperation binary)
            {
                return false;
            }

            var (value, constant) = binary.RightOperand.ConstantValue.HasValue ? (binary.LeftOperand, binary.RightOperand) : (binary.RightOperand, binary.LeftOperand);
            if (!(constant.ConstantValue is { HasValue: true, Value: int limit } && (limit == 0 || (limit == 1 && binary.OperatorKind is BinaryOperatorKind.LessThan or BinaryOperatorKind.GreaterThanOrEqual))))
            {
                return false;
            }

            value = OperationHelpers.StripConversions(value)!;
            if (value is ISimpleAssignmentOperation assignment)
            {
                value = assignment.Value;
            }

            return value.DescendantsAndSelf().Contains(read) || (count != null && value is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, count));
        }

        /// <summary>The condition of the nearest if around the exit inside the loop, when the exit is its whole branch.</summary>
        private static IOperation? GuardOf(IOperation exit, ILoopOperation loop)
        {
            for (var current = exit; current.Parent != null && current.Parent != loop; current = current.Parent)
            {
                if (current.Parent is IConditionalOperation conditional)
                {
                    return conditional.WhenTrue == current || (conditional.WhenTrue is IBlockOperation { Operations.Length: 1 } block && block.Operations[0] == current)
                        ? conditional.Condition
                        : null;
                }
            }

            return null;
        }

        private static bool InsideNestedBreakable(IOperation branch, ILoopOperation loop)
        {
            for (var current = branch.Parent; current != null && current != loop; current = current.Parent)
            {
                if (current is ILoopOperation or ISwitchOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
