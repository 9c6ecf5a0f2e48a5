using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>The walk inside statements: the effect of each call, assignment and null test on the tracked streams.</summary>
    internal sealed partial class StreamFlowWalker
    {
        private StreamState? VisitExpression(IOperation? operation, StreamState? state)
        {
            if (operation == null || state == null)
            {
                return state;
            }

            switch (operation)
            {
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                    // Not executed here; a stream they capture is not tracked at all.
                    return state;
                case IConditionalOperation conditional:
                    state = VisitExpression(conditional.Condition, state);
                    var (whenTrue, whenFalse) = Refine(conditional.Condition, state);
                    return StreamState.Join(VisitExpression(conditional.WhenTrue, whenTrue), VisitExpression(conditional.WhenFalse, whenFalse));
            }

            foreach (var child in operation.ChildOperations)
            {
                state = VisitExpression(child, state);
            }

            return state == null ? null : Apply(operation, state.Value);
        }

        /// <summary>The effect of one operation on the tracked streams, after its operands were evaluated.</summary>
        private StreamState Apply(IOperation operation, StreamState state)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return ApplyInvocation(invocation, state);
                case IObjectCreationOperation { Constructor: { } constructor } creation when !creation.Arguments.IsEmpty:
                    return ApplyArguments(creation.Arguments, constructor, state);
                case ISimpleAssignmentOperation assignment when _entities.IndexOf(assignment.Target) is var assigned && assigned >= 0:
                    return Assign(state, assigned, assignment.Value);
                case IVariableDeclaratorOperation declarator when _entities.IndexOf(declarator.Symbol) is var declared && declared >= 0:
                    return declarator.Initializer == null ? state.Reset(declared) : Assign(state, declared, declarator.Initializer.Value);
                case IDeconstructionAssignmentOperation deconstruction when Tuples.TargetTuple(deconstruction.Target) is { } targets:
                    return Deconstruct(state, targets, deconstruction.Value);
                default:
                    return state;
            }
        }

        /// <summary><c>x = y</c> for two tracked streams (or an owner made over y) carries y's state over; anything else
        /// is a new stream (or none).</summary>
        private StreamState Assign(StreamState state, int target, IOperation value)
        {
            var source = _entities.IndexOf(Aliases.Resolve(_symbols, value, out _));
            if (source >= 0)
            {
                return source != target ? state.Copy(source, target) : state;
            }

            // A stream an upgrade helper or factory authenticated before handing it out is open from here.
            state = state.Reset(target);
            return _effects.YieldsUsedStream(value, -1) ? state.Use(1UL << target) : state;
        }

        /// <summary><c>var (stream, ssl) = await UpgradeAsync(...)</c>: each tracked target takes its item.</summary>
        private StreamState Deconstruct(StreamState state, ITupleOperation targets, IOperation value)
        {
            var literal = Tuples.Unwrap(value) as ITupleOperation;
            for (var i = 0; i < targets.Elements.Length; i++)
            {
                var target = _entities.IndexOf(targets.Elements[i]);
                if (target < 0)
                {
                    continue;
                }

                if (literal != null && i < literal.Elements.Length)
                {
                    state = Assign(state, target, literal.Elements[i]);
                }
                else
                {
                    state = state.Reset(target);
                    state = _effects.YieldsUsedStream(value, i) ? state.Use(1UL << target) : state;
                }
            }

            return state;
        }

        private StreamState ApplyInvocation(IInvocationOperation invocation, StreamState state)
        {
            var method = invocation.TargetMethod;
            if (_symbols.IsRuntimeClose(method))
            {
                foreach (var argument in invocation.Arguments)
                {
                    var closed = _entities.IndexOf(_symbols.OwnerOfBaseStream(argument.Value) ?? argument.Value);
                    if (closed >= 0)
                    {
                        state = state.Close(_entities.GroupOf(closed));
                    }
                }

                return state;
            }

            if (!invocation.Arguments.IsEmpty)
            {
                state = ApplyArguments(invocation.Arguments, method, state);
            }

            var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
            var entity = _entities.IndexOf(receiver);
            if (entity < 0)
            {
                var callsOwnType = invocation.Instance == null || invocation.Instance is IInstanceReferenceOperation;
                return callsOwnType ? _effects.OnOwnCall(invocation, state) : state;
            }

            if (_symbols.ClosesReceiver(method))
            {
                return state.Close(_entities.GroupOf(entity));
            }

            if (_symbols.IsDispose(method))
            {
                var site = OperationHelpers.OutermostCallExpression(invocation).Syntax;
                return Dispose(state, entity, method, receiver, KnownSymbols.IsAsyncDisposal(method), () => new DisposalSite(entity, site, DisposalKind.Call, OperationHelpers.ReferencedSymbol(receiver)));
            }

            return _symbols.IsUse(method) ? state.Use(_entities.GroupOf(entity)) : state;
        }

        private StreamState ApplyArguments(ImmutableArray<IArgumentOperation> arguments, IMethodSymbol method, StreamState state)
        {
            foreach (var argument in arguments)
            {
                var entity = _entities.IndexOf(argument.Value);
                if (entity < 0)
                {
                    continue;
                }

                switch (_effects.EffectOf(argument, method))
                {
                    case ArgumentEffect.Use:
                        state = state.Use(_entities.GroupOf(entity));
                        break;
                    case ArgumentEffect.Close:
                        state = state.Close(_entities.GroupOf(entity));
                        break;
                    case ArgumentEffect.Dispose:
                        state = state.Dispose(_entities.GroupOf(entity));
                        break;
                    case ArgumentEffect.DisposeHere:
                        var site = argument.Parent!.Syntax;
                        state = Dispose(state, entity, null, argument.Value, asynchronous: false, () => new DisposalSite(entity, site, DisposalKind.Call, OperationHelpers.ReferencedSymbol(argument.Value)));
                        break;
                    case ArgumentEffect.Escape:
                        // Handed to another assembly: whatever it does with it, this method's own disposal after it is still
                        // a disposal of the stream (a registry or a feature collection keeps a reference, not ownership).
                        break;
                }
            }

            return state;
        }

        /// <summary>A disposal of a tracked stream: reported when it may still be open, unless the disposal closes it itself.</summary>
        private StreamState Dispose(StreamState state, int entity, IMethodSymbol? method, IOperation? receiver, bool asynchronous, Func<DisposalSite> site)
        {
            if (_effects.DisposalCloses(entity, method, receiver, asynchronous))
            {
                return state.Close(_entities.GroupOf(entity)).Dispose(_entities.GroupOf(entity));
            }

            if (state.IsOpen(entity) && _effects.ShouldReport(entity, asynchronous))
            {
                _report(site());
            }

            return state.Dispose(_entities.GroupOf(entity));
        }

        /// <summary>
        /// The states on the two sides of a condition that tests a tracked stream for null or for SslStream: where the
        /// test fails, the variable holds no TLS stream (<c>var ssl = _stream as SslStream; if (ssl != null) ...</c>).
        /// </summary>
        private (StreamState? WhenTrue, StreamState? WhenFalse) Refine(IOperation condition, StreamState? state)
        {
            if (state == null)
            {
                return (null, null);
            }

            var (failedWhenTrue, failedWhenFalse) = _handshakes!.Failed(condition);
            if ((failedWhenTrue | failedWhenFalse) != 0)
            {
                return (state.Value.Fail(failedWhenTrue), state.Value.Fail(failedWhenFalse));
            }

            switch (OperationHelpers.StripConversions(condition))
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    var (t, f) = Refine(not.Operand, state);
                    return (f, t);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                    // a && b is false where a is, or where a is true and b false.
                    var left = Refine(and.LeftOperand, state);
                    var right = Refine(and.RightOperand, left.WhenTrue);
                    return (right.WhenTrue, StreamState.Join(left.WhenFalse, right.WhenFalse));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or:
                    var first = Refine(or.LeftOperand, state);
                    var second = Refine(or.RightOperand, first.WhenFalse);
                    return (StreamState.Join(first.WhenTrue, second.WhenTrue), second.WhenFalse);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    var compared = IsNull(comparison.RightOperand) ? comparison.LeftOperand : IsNull(comparison.LeftOperand) ? comparison.RightOperand : null;
                    var tested = _entities.IndexOf(compared);
                    if (tested < 0)
                    {
                        break;
                    }

                    var isNull = state.Value.Reset(_entities.GroupOf(tested));
                    return comparison.OperatorKind == BinaryOperatorKind.Equals ? (isNull, state) : (state, isNull);
                case IIsTypeOperation isType when _symbols.IsSslStream(isType.TypeOperand) && _entities.IndexOf(_symbols.OwnerOfBaseStream(isType.ValueOperand) ?? isType.ValueOperand) is var typed && typed >= 0:
                    return (state, state.Value.Reset(_entities.GroupOf(typed)));
                case IIsPatternOperation isPattern when _entities.IndexOf(_symbols.OwnerOfBaseStream(isPattern.Value) ?? isPattern.Value) is var matched && matched >= 0:
                    return MatchesOnlyNonNull(isPattern.Pattern, out var negated)
                        ? (negated ? (state.Value.Reset(_entities.GroupOf(matched)), state) : (state, state.Value.Reset(_entities.GroupOf(matched))))
                        : (state, state);
            }

            return (state, state);
        }

        /// <summary>Does the pattern match exactly the non-null values that can be TLS streams (<c>not null</c>, <c>{ }</c>,
        /// <c>SslStream s</c>)? <paramref name="negated"/>: it is their negation (<c>null</c>, <c>not SslStream</c>).</summary>
        private bool MatchesOnlyNonNull(IPatternOperation pattern, out bool negated)
        {
            negated = false;
            switch (pattern)
            {
                case IConstantPatternOperation constant when IsNull(constant.Value):
                    negated = true;
                    return true;
                case INegatedPatternOperation not when MatchesOnlyNonNull(not.Pattern, out var inner):
                    negated = !inner;
                    return true;
                case IRecursivePatternOperation recursive:
                    // { } or SslStream { }: with subpatterns, a failed match says nothing of the stream.
                    return recursive.DeconstructionSubpatterns.IsEmpty && recursive.PropertySubpatterns.IsEmpty
                        && (IsDeclaredType(recursive) || _symbols.IsSslStream(recursive.MatchedType));
                case IDeclarationPatternOperation declaration:
                    return _symbols.IsSslStream(declaration.MatchedType);
                case ITypePatternOperation typePattern:
                    return _symbols.IsSslStream(typePattern.MatchedType);
                default:
                    return false;
            }
        }

        private static bool IsDeclaredType(IRecursivePatternOperation recursive) =>
            SymbolEqualityComparer.Default.Equals(recursive.MatchedType, recursive.InputType);

        private static bool IsNull(IOperation operation) => operation.ConstantValue is { HasValue: true, Value: null };
    }
}
