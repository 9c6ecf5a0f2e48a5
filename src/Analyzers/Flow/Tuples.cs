using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Tuples that carry a stream (<c>var (stream, ssl) = await UpgradeAsync(...)</c>): each item is a node of its own
    /// (<see cref="NodeKind.Item"/>), so that the transport in item 0 is never taken for the TLS stream in item 1.
    /// Tuple types are value types, which <see cref="ValueSources.IsRelevant"/> rejects first: only a tuple type with an
    /// item that can carry a stream gets here.
    /// </summary>
    internal static class Tuples
    {
        /// <summary>The number of items of the tuple a value of this type is (or a task of it yields), when one of them
        /// can carry a stream; otherwise 0.</summary>
        public static int Arity(ValueSources sources, ITypeSymbol? type)
        {
            var tuple = type is INamedTypeSymbol { IsTupleType: true } ? (INamedTypeSymbol)type : ValueSources.ResultType(type) as INamedTypeSymbol;
            if (tuple is not { IsTupleType: true })
            {
                return 0;
            }

            foreach (var element in tuple.TupleElements)
            {
                if (sources.IsRelevant(element.Type))
                {
                    return tuple.TupleElements.Length;
                }
            }

            return 0;
        }

        /// <summary>The position of a tuple element field (<c>r.Item2</c>, or a named element <c>r.Ssl</c>), or -1.</summary>
        public static int IndexOf(IFieldSymbol field)
        {
            if (field.ContainingType is not { IsTupleType: true })
            {
                return -1;
            }

            var name = (field.CorrespondingTupleField ?? field).Name;
            return name.Length == 5 && name.StartsWith("Item", System.StringComparison.Ordinal) && name[4] is >= '1' and <= '7' ? name[4] - '1' : -1;
        }

        /// <summary>
        /// The nodes item <paramref name="index"/> of a tuple-valued expression may hold: an element of a tuple literal, an
        /// item of what a method of the compilation returns, or of a local, parameter or field of a tuple type.
        /// </summary>
        public static void AddItem(ValueSources sources, IOperation? value, int index, List<Node> into, ISymbol container)
        {
            value = Unwrap(value);
            switch (value)
            {
                case ITupleOperation tuple:
                    if (index < tuple.Elements.Length)
                    {
                        sources.Add(tuple.Elements[index], into, container);
                    }

                    return;
                case IInvocationOperation invocation when sources.IsSource(invocation.TargetMethod):
                    into.Add(Node.ItemOf(invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod, index));
                    return;
                case IConditionalOperation conditional:
                    AddItem(sources, conditional.WhenTrue, index, into, container);
                    AddItem(sources, conditional.WhenFalse, index, into, container);
                    return;
                default:
                    if (PlaceSymbol(value) is { } symbol)
                    {
                        into.Add(Node.ItemOf(symbol, index));
                    }

                    return;
            }
        }

        /// <summary>The tuple a deconstruction or a declaration writes (<c>var (a, b)</c>, <c>(a, b)</c>), if it is one.</summary>
        public static ITupleOperation? TargetTuple(IOperation target) => target switch
        {
            IDeclarationExpressionOperation { Expression: ITupleOperation declared } => declared,
            ITupleOperation tuple => tuple,
            _ => null,
        };

        /// <summary>The local, parameter or field (of this instance or static) an expression names.</summary>
        public static ISymbol? PlaceSymbol(IOperation? operation) => OperationHelpers.StripConversions(operation) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };

        /// <summary>The value under conversions, parentheses, <c>await</c> and <c>ConfigureAwait</c>.</summary>
        public static IOperation? Unwrap(IOperation? value)
        {
            while (true)
            {
                switch (value)
                {
                    case IConversionOperation conversion:
                        value = conversion.Operand;
                        break;
                    case IParenthesizedOperation parenthesized:
                        value = parenthesized.Operand;
                        break;
                    case IAwaitOperation awaited:
                        value = awaited.Operation;
                        break;
                    case IInvocationOperation invocation when OperationHelpers.WrappedTask(invocation) is { } wrapped:
                        value = wrapped;
                        break;
                    default:
                        return value;
                }
            }
        }
    }
}
