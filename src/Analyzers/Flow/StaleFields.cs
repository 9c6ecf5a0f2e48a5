using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// A stream field disposed at the start of a (re)connect method is stale, not live, when the type's every other
    /// disposal of it sets it to null afterwards (issue 26, shape 6): after a completed close the field is null, so at the
    /// start of the next connect it can only hold what a connect that failed half-way left behind. Such a method starts
    /// with that field closed. (A type whose close keeps the field, as an object that is reused after a re-handshake, gets
    /// no such pass: disposing what the last handshake left open is reported.)
    /// </summary>
    internal static class StaleFields
    {
        /// <summary>The bits of the tracked fields and properties that are stale when <paramref name="body"/> starts.</summary>
        public static ulong AtEntry(KnownSymbols symbols, EntityTable entities, IMethodSymbol method, IOperation body, Dictionary<IMethodSymbol, IOperation> methods)
        {
            ulong stale = 0;
            for (var i = 0; i < entities.Entities.Count; i++)
            {
                var field = entities.Entities[i];
                if (field is IFieldSymbol or IPropertySymbol && DisposedBeforeReplaced(symbols, field, body) && NulledAfterEveryOtherDisposal(symbols, field, method, methods))
                {
                    stale |= 1UL << i;
                }
            }

            return stale;
        }

        /// <summary>The method disposes the field before anything but a null test reads it, and assigns it a new value after.</summary>
        private static bool DisposedBeforeReplaced(KnownSymbols symbols, ISymbol field, IOperation body)
        {
            var disposal = -1;
            foreach (var operation in body.Descendants())
            {
                if (!SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(operation), field) || operation is IConversionOperation)
                {
                    continue;
                }

                if (disposal < 0)
                {
                    if (IsDisposalReceiver(symbols, operation))
                    {
                        disposal = operation.Syntax.SpanStart;
                    }
                    else if (!IsNullTest(operation))
                    {
                        return false;
                    }
                }
                else if (operation.Syntax.SpanStart > disposal && IsAssignedNonNull(operation))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Every other method of the type that disposes the field sets it to null after the disposal (and there is one).</summary>
        private static bool NulledAfterEveryOtherDisposal(KnownSymbols symbols, ISymbol field, IMethodSymbol method, Dictionary<IMethodSymbol, IOperation> methods)
        {
            var others = 0;
            foreach (var pair in methods)
            {
                if (SymbolEqualityComparer.Default.Equals(pair.Key, method))
                {
                    continue;
                }

                var disposal = -1;
                var nulled = false;
                foreach (var operation in pair.Value.Descendants())
                {
                    if (!SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(operation), field) || operation is IConversionOperation)
                    {
                        continue;
                    }

                    if (disposal < 0 && IsDisposalReceiver(symbols, operation))
                    {
                        disposal = operation.Syntax.SpanStart;
                    }
                    else if (disposal >= 0 && operation.Syntax.SpanStart > disposal && IsAssignedNull(operation))
                    {
                        nulled = true;
                    }
                }

                if (disposal >= 0)
                {
                    if (!nulled)
                    {
                        return false;
                    }

                    others++;
                }
            }

            return others > 0;
        }

        /// <summary><c>_stream.Dispose()</c>, <c>_stream?.Dispose()</c>, <c>await _stream.DisposeAsync()</c>: the reference is what is disposed.</summary>
        private static bool IsDisposalReceiver(KnownSymbols symbols, IOperation reference)
        {
            reference = Outer(reference);
            var parent = reference.Parent;
            if (parent is IConditionalAccessOperation access && access.Operation == reference)
            {
                return access.WhenNotNull is IInvocationOperation whenNotNull && symbols.IsDispose(whenNotNull.TargetMethod);
            }

            return parent is IInvocationOperation invocation && invocation.Instance == reference && symbols.IsDispose(invocation.TargetMethod);
        }

        private static bool IsNullTest(IOperation reference) => Outer(reference).Parent switch
        {
            IBinaryOperation binary => IsNull(binary.LeftOperand) || IsNull(binary.RightOperand),
            IIsPatternOperation => true,
            _ => false,
        };

        private static bool IsAssignedNonNull(IOperation reference) =>
            reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference && !IsNull(assignment.Value);

        private static bool IsAssignedNull(IOperation reference) =>
            reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference && IsNull(assignment.Value);

        /// <summary>The reference seen through the conversions around it (<c>_ssl != null</c> compares an object).</summary>
        private static IOperation Outer(IOperation reference)
        {
            while (reference.Parent is IConversionOperation conversion)
            {
                reference = conversion;
            }

            return reference;
        }

        private static bool IsNull(IOperation operation) =>
            OperationHelpers.StripConversions(operation) is { ConstantValue: { HasValue: true, Value: null } } or IDefaultValueOperation;
    }
}
