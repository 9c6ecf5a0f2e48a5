using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Whether a local holding a ShutdownAsync task is observed (awaited, waited, returned, handed on) before its stream is disposed.</summary>
    internal static class TaskLocals
    {
        public static bool IsObservedBeforeDisposal(KnownSymbols symbols, ILocalSymbol task, IInvocationOperation shutdown)
        {
            var root = OperationHelpers.RootOf(shutdown);
            var stream = OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(shutdown.Instance));
            int? firstObservation = null;
            int? firstDisposal = null;
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, task) && IsObservation(reference):
                        firstObservation = Min(firstObservation, reference.Syntax.SpanStart);
                        break;
                    case IInvocationOperation invocation when stream != null
                        && invocation.Syntax.SpanStart > shutdown.Syntax.SpanStart
                        && symbols.IsDispose(invocation.TargetMethod)
                        && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(invocation.Instance)), stream):
                        firstDisposal = Min(firstDisposal, invocation.Syntax.SpanStart);
                        break;
                }
            }

            return firstObservation != null && (firstDisposal == null || firstObservation < firstDisposal);
        }

        private static bool IsObservation(ILocalReferenceOperation reference)
        {
            IOperation current = reference;
            while (current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            switch (current.Parent)
            {
                case ISimpleAssignmentOperation assignment:
                    // Writing the local is no observation; handing its task to something else is.
                    return assignment.Value == current;
                case IVariableInitializerOperation:
                case IAwaitOperation:
                case IInvocationOperation:
                case IMemberReferenceOperation:
                case IArgumentOperation:
                case IReturnOperation:
                    return true;
                default:
                    return false;
            }
        }

        private static int Min(int? current, int candidate) => current == null || candidate < current ? candidate : current.Value;
    }
}
