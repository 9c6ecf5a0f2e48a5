using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Who owns a stream: a local stays this method's to close only while every reference to it is a
    /// call on it, a test of it, or an assignment into it. Returned, stored, passed on or captured, it
    /// belongs to someone else and is not tracked (precision over reach: the receiver may close it).
    /// </summary>
    internal static class StreamOwnership
    {
        /// <summary>True when the expression may produce an SslStream: its type, or a branch of <c>?:</c> / <c>??</c>.</summary>
        public static bool MayBeSslStream(KnownSymbols symbols, IOperation? value)
        {
            value = OperationHelpers.StripConversions(value);
            switch (value)
            {
                case null:
                    return false;
                case IConditionalOperation conditional:
                    return MayBeSslStream(symbols, conditional.WhenTrue) || MayBeSslStream(symbols, conditional.WhenFalse);
                case ICoalesceOperation coalesce:
                    return MayBeSslStream(symbols, coalesce.Value) || MayBeSslStream(symbols, coalesce.WhenNull);
                default:
                    return symbols.IsSslStream(value.Type);
            }
        }

        /// <summary>True when this reference to a local hands the stream to someone else.</summary>
        public static bool Escapes(KnownSymbols symbols, ILocalReferenceOperation reference)
        {
            if (!IsInDeclaringFunction(reference))
            {
                return true;
            }

            IOperation current = reference;
            while (current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            switch (current.Parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                case IMemberReferenceOperation member when member.Instance == current:
                case IConditionalAccessOperation access when access.Operation == current:
                case ISimpleAssignmentOperation assignment when assignment.Target == current:
                case IUsingOperation:
                case IBinaryOperation:
                case IIsTypeOperation:
                case IIsPatternOperation:
                case IExpressionStatementOperation:
                    return false;
                case IArgumentOperation { Parent: IInvocationOperation call }:
                    // Handing the stream to the CloseNotify runtime closes it, and a Stream method (source.CopyTo(ssl))
                    // only writes to it; anything else may take it over.
                    return !symbols.IsRuntimeClose(call.TargetMethod) && !symbols.IsStreamMethod(call.TargetMethod);
                default:
                    return true;
            }
        }

        /// <summary>Is the local read or written inside a lambda or local function (which may run later, and close it)?</summary>
        public static bool IsCaptured(ILocalSymbol local, IOperation root)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local) && !IsInDeclaringFunction(reference))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsInDeclaringFunction(ILocalReferenceOperation reference)
        {
            for (var parent = reference.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation lambda:
                        return SymbolEqualityComparer.Default.Equals(lambda.Symbol, reference.Local.ContainingSymbol);
                    case ILocalFunctionOperation localFunction:
                        return SymbolEqualityComparer.Default.Equals(localFunction.Symbol, reference.Local.ContainingSymbol);
                }
            }

            return true;
        }
    }
}
