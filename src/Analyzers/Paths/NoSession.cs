using System;
using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// Branch conditions after which a TLS stream has no session to close (TLS004): it is null, a flag set only in a catch
    /// says the handshake failed, or the handshake failed without an exception reaching the code (the task faulted or was
    /// cancelled, a timer won the race against it, a wait on it timed out, the stream is not authenticated: TLS001's
    /// answer, <see cref="HandshakeOutcomes"/>, asked of the graph's conditions). A transport closed on that side owes no
    /// close_notify: nothing was negotiated.
    /// </summary>
    internal sealed class NoSession
    {
        private readonly NormalPaths _paths;
        private readonly Func<IOperation, bool> _isTls;
        private readonly HandshakeOutcomes _handshakes;
        private readonly HashSet<ISymbol> _failureFlags = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        public NoSession(KnownSymbols symbols, NormalPaths paths, IOperation root, Func<IOperation, bool> isTls)
        {
            _paths = paths;
            _isTls = isTls;
            _handshakes = HandshakeOutcomes.ForOneStream(symbols, root, isTls, paths.Resolve);
            var setOutsideCatch = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in root.Descendants())
            {
                var (target, value) = operation switch
                {
                    IVariableDeclaratorOperation { Initializer: { } initializer } declarator => ((ISymbol?)declarator.Symbol, initializer.Value),
                    ISimpleAssignmentOperation assignment => (OperationHelpers.ReferencedSymbol(assignment.Target), assignment.Value),
                    _ => (null, null!),
                };
                if (target is ILocalSymbol { Type.SpecialType: SpecialType.System_Boolean } local && OperationHelpers.StripConversions(value)?.ConstantValue is { HasValue: true, Value: true })
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
                case ILocalReferenceOperation flag when _failureFlags.Contains(flag.Local):
                    return true;
            }

            var (whenTrue, whenFalse) = _handshakes.Failed(value);
            return whenTrue != 0 ? true : whenFalse != 0 ? false : (bool?)null;
        }

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
