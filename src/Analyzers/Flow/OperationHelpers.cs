using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    internal static class OperationHelpers
    {
        public static IOperation? StripConversions(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>
        /// The object an instance call is made on, seen through conversions and <c>?.</c>:
        /// for <c>_stream?.Dispose()</c> that is <c>_stream</c>.
        /// </summary>
        public static IOperation? ResolveReceiver(IOperation? instance)
        {
            instance = StripConversions(instance);
            if (instance is IConditionalAccessInstanceOperation)
            {
                // The `?.` this placeholder belongs to is the nearest one whose WhenNotNull part holds it.
                IOperation previous = instance;
                for (var parent = instance.Parent; parent != null; previous = parent, parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access && access.WhenNotNull == previous)
                    {
                        return StripConversions(access.Operation);
                    }
                }
            }

            return instance;
        }

        /// <summary>A local, a parameter, or a field or property read through <c>this</c> (or statically): what the rules follow.</summary>
        public static ISymbol? ReferencedSymbol(IOperation? operation)
        {
            switch (StripConversions(operation))
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field when field.Instance == null || field.Instance is IInstanceReferenceOperation:
                    return field.Field.OriginalDefinition;
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty && (property.Instance == null || property.Instance is IInstanceReferenceOperation):
                    return property.Property.OriginalDefinition;
                default:
                    return null;
            }
        }

        /// <summary>Inside a catch block of the function the operation is in (a lambda or local function there runs later:
        /// not counted).</summary>
        public static bool IsInsideCatch(IOperation operation)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ICatchClauseOperation:
                        return true;
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The root of the operation tree holding <paramref name="operation"/>: the member's body.</summary>
        public static IOperation RootOf(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>The statements of a member: its block or expression body.</summary>
        public static IOperation? BodyOf(IOperation root) => root switch
        {
            IMethodBodyOperation method => (IOperation?)method.BlockBody ?? method.ExpressionBody,
            IConstructorBodyOperation constructor => (IOperation?)constructor.BlockBody ?? constructor.ExpressionBody,
            IBlockOperation block => block,
            _ => null,
        };

        /// <summary>The whole expression a user reads as the call: <c>await s.DisposeAsync()</c>, <c>_s?.Close()</c>,
        /// <c>await s.DisposeAsync().ConfigureAwait(false)</c> (or a library's own wrapper of it).</summary>
        public static IOperation OutermostCallExpression(IOperation invocation)
        {
            var current = invocation;
            while (true)
            {
                if (current.Parent is IConditionalAccessOperation or IAwaitOperation)
                {
                    current = current.Parent;
                }
                else if (current.Parent is IInvocationOperation outer && WrappedTask(outer) == current)
                {
                    current = outer;
                }
                else if (current.Parent is IArgumentOperation { Parent: IInvocationOperation extension } && WrappedTask(extension) == current)
                {
                    current = extension;
                }
                else
                {
                    return current;
                }
            }
        }

        /// <summary>
        /// The task a call only wraps for awaiting: <c>task.ConfigureAwait(false)</c>, <c>WaitAsync</c>, <c>AsTask</c>, or a
        /// library's own extension that returns a configured awaitable (<c>task.ForAwait()</c>). Null for any other call.
        /// </summary>
        public static IOperation? WrappedTask(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (method.Name is "ConfigureAwait" or "WaitAsync" or "AsTask")
            {
                return invocation.Instance;
            }

            if (method.ReturnType is INamedTypeSymbol { Name: "ConfiguredTaskAwaitable" or "ConfiguredValueTaskAwaitable", IsValueType: true })
            {
                return invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            }

            return null;
        }
    }
}
