using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>The conditions <see cref="WrapperFacts"/> reads around a disposal (a null value, a leave-open flag) and
    /// where a property is implemented: pure functions of the operations.</summary>
    internal sealed partial class WrapperFacts
    {
        /// <summary>The disposal sits on the branch where the setter's value is null: <c>if (value == null) _f?.Dispose();</c>.</summary>
        private static bool OnlyWhenNull(IOperation operation, IParameterSymbol value)
        {
            for (IOperation? child = operation, parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IConditionalOperation choice && NullTest(choice.Condition, value) is { } nullWhenTrue
                    && ((choice.WhenTrue == child && nullWhenTrue) || (choice.WhenFalse == child && !nullWhenTrue)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for <c>value == null</c> and <c>value is null</c>, false for their negations, null otherwise.</summary>
        private static bool? NullTest(IOperation condition, IParameterSymbol value)
        {
            condition = OperationHelpers.StripConversions(condition)!;
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not when NullTest(not.Operand, value) is { } inner:
                    return !inner;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                    when (IsValue(binary.LeftOperand, value) && IsNull(binary.RightOperand)) || (IsValue(binary.RightOperand, value) && IsNull(binary.LeftOperand)):
                    return binary.OperatorKind == BinaryOperatorKind.Equals;
                case IIsPatternOperation pattern when IsValue(pattern.Value, value):
                    return pattern.Pattern switch
                    {
                        IConstantPatternOperation constant when IsNull(constant.Value) => true,
                        INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when IsNull(constant.Value) => false,
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        private static bool IsValue(IOperation operation, IParameterSymbol value) =>
            SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(operation), value);

        private static bool IsNull(IOperation operation) => OperationHelpers.StripConversions(operation) is { ConstantValue: { HasValue: true, Value: null } };

        /// <summary>Whether the guards around a disposal let it run for this creation: <c>if (!_leaveOpen) _s.Dispose();</c> does
        /// not when the constructor's flag for <c>_leaveOpen</c> is given <c>true</c> as a constant (or by default).</summary>
        private static bool FlagsAllow(IOperation disposal, Dictionary<ISymbol, IParameterSymbol> flags, IObjectCreationOperation creation)
        {
            for (IOperation? child = disposal, parent = disposal.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is not IConditionalOperation choice || (choice.WhenTrue != child && choice.WhenFalse != child))
                {
                    continue;
                }

                var condition = OperationHelpers.StripConversions(choice.Condition);
                var negated = false;
                if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
                {
                    (condition, negated) = (OperationHelpers.StripConversions(not.Operand), true);
                }

                if (OperationHelpers.ReferencedSymbol(condition) is { } flag && flags.TryGetValue(flag, out var parameter)
                    && ArgumentFor(creation, parameter) is { ConstantValue: { HasValue: true, Value: bool given } })
                {
                    var holds = given != negated;
                    if ((choice.WhenTrue == child && !holds) || (choice.WhenFalse == child && holds))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static IOperation? ArgumentFor(IObjectCreationOperation creation, IParameterSymbol parameter)
        {
            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter != null && SymbolEqualityComparer.Default.Equals(argument.Parameter.OriginalDefinition, parameter.OriginalDefinition))
                {
                    return OperationHelpers.StripConversions(argument.Value);
                }
            }

            return null;
        }

        private static IPropertySymbol? Implementation(INamedTypeSymbol type, IPropertySymbol property)
        {
            if (property.ContainingType.TypeKind == TypeKind.Interface)
            {
                return type.FindImplementationForInterfaceMember(property) as IPropertySymbol;
            }

            foreach (var member in type.GetMembers(property.Name))
            {
                for (var overridden = (member as IPropertySymbol)?.OverriddenProperty; overridden != null; overridden = overridden.OverriddenProperty)
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, property))
                    {
                        return (IPropertySymbol)member;
                    }
                }
            }

            return null;
        }
    }
}
