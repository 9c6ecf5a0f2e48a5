using System;
using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// Branch conditions after which a TLS stream has no session to close (TLS004): it is null, it is not authenticated,
    /// or its handshake failed without an exception reaching the code (the task faulted or was cancelled, a timer won
    /// the race against it, a wait on it timed out, a flag set only in a catch says so). A transport closed on that side
    /// owes no close_notify: nothing was negotiated.
    /// </summary>
    internal sealed class NoSession
    {
        private readonly NormalPaths _paths;
        private readonly Func<IOperation, bool> _isTls;
        private readonly HashSet<ISymbol> _handshakes = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _timers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _failureFlags = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        public NoSession(NormalPaths paths, IOperation root, Func<IOperation, bool> isTls)
        {
            _paths = paths;
            _isTls = isTls;
            var setOutsideCatch = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in root.Descendants())
            {
                var (target, value) = operation switch
                {
                    IVariableDeclaratorOperation { Initializer: { } initializer } declarator => ((ISymbol?)declarator.Symbol, initializer.Value),
                    ISimpleAssignmentOperation assignment => (OperationHelpers.ReferencedSymbol(assignment.Target), assignment.Value),
                    _ => (null, null!),
                };
                if (target is not ILocalSymbol local)
                {
                    continue;
                }

                value = OperationHelpers.StripConversions(value)!;
                if (IsHandshake(value))
                {
                    _handshakes.Add(local);
                }
                else if (value is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true, ContainingType.Name: "Task" } })
                {
                    _timers.Add(local);
                }
                else if (local.Type.SpecialType == SpecialType.System_Boolean && value.ConstantValue is { HasValue: true, Value: true })
                {
                    // A flag set true only where a catch handles the handshake's exception: `if (failed)` is its failure side.
                    (InCatch(operation) ? _failureFlags : setOutsideCatch).Add(local);
                }
            }

            _failureFlags.ExceptWith(setOutsideCatch);
        }

        /// <summary>Which result of <paramref name="value"/> means "no session": true, false, or null when it tests nothing of the kind.</summary>
        public bool? DeadSide(IOperation value)
        {
            if (_paths.NullTestOf(value, _isTls) is { } nullSide)
            {
                return nullSide;
            }

            value = OperationHelpers.StripConversions(value)!;
            switch (value)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not when DeadSide(not.Operand) is { } inner:
                    return !inner;
                case IPropertyReferenceOperation { Property.Name: "IsAuthenticated" or "IsEncrypted" } property when property.Instance != null && _isTls(_paths.Resolve(property.Instance)):
                    return false;
                case IPropertyReferenceOperation { Property.Name: "IsFaulted" or "IsCanceled" } faulted when IsHandshakeTask(faulted.Instance):
                    return true;
                case IPropertyReferenceOperation { Property.Name: "IsCompletedSuccessfully" } succeeded when IsHandshakeTask(succeeded.Instance):
                    return false;
                case IInvocationOperation { TargetMethod.Name: "Wait", TargetMethod.ReturnType.SpecialType: SpecialType.System_Boolean } wait when IsHandshakeTask(wait.Instance):
                    // hs.Wait(timeout) is false when the handshake did not finish in time.
                    return false;
                case ILocalReferenceOperation flag when _failureFlags.Contains(flag.Local):
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary when Compared(binary) is { } equalMeansDead:
                    return binary.OperatorKind == BinaryOperatorKind.Equals ? equalMeansDead : !equalMeansDead;
                default:
                    return null;
            }
        }

        /// <summary>For <c>a == b</c>: true when equality means no session (the timer won, the status is Faulted), false
        /// when it means a session (the handshake won, the status is RanToCompletion), null when it is no such test.</summary>
        private bool? Compared(IBinaryOperation binary)
        {
            var left = Resolved(binary.LeftOperand);
            var right = Resolved(binary.RightOperand);
            foreach (var (one, other) in new[] { (left, right), (right, left) })
            {
                // winner == hs: the handshake won the race (Task.WhenAny); winner == delay: the timer did.
                if (IsHandshakeTask(one) && !IsHandshakeTask(other) && other.Type is { Name: "Task" } && other.ConstantValue is not { HasValue: true })
                {
                    return false;
                }

                if (one is ILocalReferenceOperation timer && _timers.Contains(timer.Local))
                {
                    return true;
                }

                if (one is IPropertyReferenceOperation { Property.Name: "Status" } status && IsHandshakeTask(status.Instance)
                    && other is IFieldReferenceOperation { Field: { ContainingType.Name: "TaskStatus" } field })
                {
                    return field.Name switch { "RanToCompletion" => false, "Faulted" or "Canceled" => true, _ => (bool?)null };
                }
            }

            return null;
        }

        private IOperation Resolved(IOperation operation) => OperationHelpers.StripConversions(_paths.Resolve(OperationHelpers.StripConversions(operation)!))!;

        private bool IsHandshakeTask(IOperation? operation) =>
            operation != null && Resolved(operation) is ILocalReferenceOperation local && _handshakes.Contains(local.Local);

        private bool IsHandshake(IOperation value) =>
            value is IInvocationOperation { TargetMethod.Name: "AuthenticateAsClientAsync" or "AuthenticateAsServerAsync" } call
            && call.Instance != null && _isTls(OperationHelpers.ResolveReceiver(call.Instance)!);

        private static bool InCatch(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is ICatchClauseOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
