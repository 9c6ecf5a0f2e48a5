using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Follows tracked streams through one method body, statement by statement, over the structured
    /// operation tree (so each early exit keeps the syntax the user wrote), and reports every disposal
    /// reached on a normal path while a stream may still be open. Catch blocks start with nothing open:
    /// a path that began with an exception is never reported (a failed handshake needs no close_notify).
    /// </summary>
    internal sealed class StreamFlowWalker
    {
        private const int MaxLoopPasses = 8;

        private readonly KnownSymbols _symbols;
        private readonly EntityTable _entities;
        private readonly Action<DisposalSite> _report;
        private readonly Func<IInvocationOperation, StreamState, StreamState>? _sameTypeCall;
        private readonly List<Scope> _scopes = new List<Scope>();
        private StreamState? _exit;

        public StreamFlowWalker(
            KnownSymbols symbols,
            EntityTable entities,
            Action<DisposalSite> report,
            Func<IInvocationOperation, StreamState, StreamState>? sameTypeCall = null)
        {
            _symbols = symbols;
            _entities = entities;
            _report = report;
            _sameTypeCall = sameTypeCall;
        }

        /// <summary>Walks a body from <paramref name="entry"/>; returns the state at its normal end (null when it never ends normally).</summary>
        public StreamState? Run(IOperation body, StreamState entry)
        {
            _exit = null;
            var end = VisitStatement(body, entry);
            return StreamState.Join(_exit, end);
        }

        private StreamState? VisitStatement(IOperation? operation, StreamState? state)
        {
            if (operation == null || state == null)
            {
                return state;
            }

            switch (operation)
            {
                case IBlockOperation block:
                    return VisitBlock(block.Operations, state);
                case IUsingOperation usingStatement:
                    return VisitUsing(usingStatement, state);
                case IUsingDeclarationOperation usingDeclaration:
                    return VisitUsingDeclaration(usingDeclaration, state);
                case IReturnOperation { Kind: OperationKind.YieldReturn } yieldReturn:
                    return VisitExpression(yieldReturn.ReturnedValue, state);
                case IReturnOperation exit:
                    state = VisitExpression(exit.ReturnedValue, state);
                    _exit = StreamState.Join(_exit, Unwind(0, state, exit.Syntax));
                    return null;
                case IBranchOperation branch:
                    return VisitBranch(branch, state);
                case IExpressionStatementOperation { Operation: IThrowOperation thrown }:
                    VisitExpression(thrown.Exception, state);
                    return null;
                case IThrowOperation thrown:
                    VisitExpression(thrown.Exception, state);
                    return null;
                case IConditionalOperation conditional:
                    state = VisitExpression(conditional.Condition, state);
                    return StreamState.Join(
                        VisitStatement(conditional.WhenTrue, state),
                        conditional.WhenFalse == null ? state : VisitStatement(conditional.WhenFalse, state));
                case ILoopOperation loop:
                    return VisitLoop(loop, state);
                case ISwitchOperation switchStatement:
                    return VisitSwitch(switchStatement, state);
                case ITryOperation tryStatement:
                    return VisitTry(tryStatement, state);
                case ILabeledOperation labeled:
                    return VisitStatement(labeled.Operation, state);
                case ILockOperation lockStatement:
                    return VisitStatement(lockStatement.Body, VisitExpression(lockStatement.LockedValue, state));
                case ILocalFunctionOperation:
                    // Analyzed as a body of its own.
                    return state;
                default:
                    return VisitExpression(operation, state);
            }
        }

        private StreamState? VisitBlock(ImmutableArray<IOperation> statements, StreamState? state)
        {
            var scope = new DisposalScope();
            _scopes.Add(scope);
            foreach (var statement in statements)
            {
                state = VisitStatement(statement, state);
            }

            _scopes.RemoveAt(_scopes.Count - 1);
            return ApplyDisposals(scope, state, exitSyntax: null);
        }

        private StreamState? VisitUsing(IUsingOperation usingStatement, StreamState? state)
        {
            state = VisitExpression(usingStatement.Resources, state);
            var scope = new DisposalScope();
            AddResources(scope, usingStatement.Resources);
            _scopes.Add(scope);
            state = VisitStatement(usingStatement.Body, state);
            _scopes.RemoveAt(_scopes.Count - 1);
            return ApplyDisposals(scope, state, exitSyntax: null);
        }

        private StreamState? VisitUsingDeclaration(IUsingDeclarationOperation usingDeclaration, StreamState? state)
        {
            state = VisitExpression(usingDeclaration.DeclarationGroup, state);

            // A using declaration is disposed at the end of the enclosing block: the innermost block scope.
            for (var i = _scopes.Count - 1; i >= 0; i--)
            {
                if (_scopes[i] is DisposalScope blockScope)
                {
                    AddResources(blockScope, usingDeclaration.DeclarationGroup);
                    break;
                }
            }

            return state;
        }

        private void AddResources(DisposalScope scope, IOperation resources)
        {
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        scope.Add(_entities.IndexOf(declarator.Symbol), declarator.Syntax);
                    }
                }
            }
            else
            {
                scope.Add(_entities.IndexOf(resources), resources.Syntax);
            }
        }

        private StreamState? VisitBranch(IBranchOperation branch, StreamState? state)
        {
            for (var i = _scopes.Count - 1; i >= 0; i--)
            {
                if (_scopes[i] is TargetScope target && target.Owns(branch.Target))
                {
                    var leaving = Unwind(i + 1, state, branch.Syntax);
                    target.Record(branch.Target, leaving);
                    return null;
                }
            }

            // A goto, or a branch whose target we do not model: the path is not followed, which can
            // only hide a warning, never invent one.
            return null;
        }

        private StreamState? VisitLoop(ILoopOperation loop, StreamState? state)
        {
            var target = new TargetScope(loop.ExitLabel, loop.ContinueLabel);
            _scopes.Add(target);
            StreamState? exit;
            switch (loop)
            {
                case IForLoopOperation forLoop:
                    foreach (var before in forLoop.Before)
                    {
                        state = VisitStatement(before, state);
                    }

                    exit = IterateLoop(state, target, head =>
                    {
                        var condition = VisitExpression(forLoop.Condition, head);
                        var bodyEnd = StreamState.Join(VisitStatement(forLoop.Body, condition), target.ContinueState);
                        foreach (var bottom in forLoop.AtLoopBottom)
                        {
                            bodyEnd = VisitStatement(bottom, bodyEnd);
                        }

                        return (bodyEnd, IsConstantTrue(forLoop.Condition) ? null : condition);
                    });
                    break;
                case IWhileLoopOperation { ConditionIsTop: true } whileLoop:
                    exit = IterateLoop(state, target, head =>
                    {
                        var condition = VisitExpression(whileLoop.Condition, head);
                        var bodyEnd = StreamState.Join(VisitStatement(whileLoop.Body, condition), target.ContinueState);
                        return (bodyEnd, IsConstantTrue(whileLoop.Condition) ? null : condition);
                    });
                    break;
                case IWhileLoopOperation doWhile:
                    exit = IterateLoop(state, target, head =>
                    {
                        var bodyEnd = StreamState.Join(VisitStatement(doWhile.Body, head), target.ContinueState);
                        var condition = VisitExpression(doWhile.Condition, bodyEnd);
                        return (condition, IsConstantTrue(doWhile.Condition) ? null : condition);
                    });
                    break;
                case IForEachLoopOperation forEach:
                    state = VisitExpression(forEach.Collection, state);
                    exit = IterateLoop(state, target, head =>
                    {
                        var bodyEnd = StreamState.Join(VisitStatement(forEach.Body, head), target.ContinueState);
                        return (bodyEnd, head);
                    });
                    break;
                default:
                    exit = VisitExpression(loop, state);
                    break;
            }

            _scopes.RemoveAt(_scopes.Count - 1);
            return StreamState.Join(exit, target.BreakState);
        }

        /// <summary>Runs a loop body until the state at its head stops growing; returns the state when the condition fails.</summary>
        private static StreamState? IterateLoop(StreamState? entry, TargetScope target, Func<StreamState?, (StreamState? BackEdge, StreamState? Exit)> pass)
        {
            var head = entry;
            StreamState? exit = null;
            for (var i = 0; i < MaxLoopPasses; i++)
            {
                var (backEdge, passExit) = pass(head);
                exit = StreamState.Join(exit, passExit);
                var next = StreamState.Join(entry, backEdge);
                if (StreamState.AreEqual(next, head))
                {
                    break;
                }

                head = next;
            }

            return exit;
        }

        private StreamState? VisitSwitch(ISwitchOperation switchStatement, StreamState? state)
        {
            state = VisitExpression(switchStatement.Value, state);
            var target = new TargetScope(switchStatement.ExitLabel, continueLabel: null);
            _scopes.Add(target);
            StreamState? end = null;
            var hasDefault = false;
            foreach (var section in switchStatement.Cases)
            {
                var sectionState = state;
                foreach (var clause in section.Clauses)
                {
                    hasDefault |= clause.CaseKind == CaseKind.Default;
                    if (clause is IPatternCaseClauseOperation { Guard: { } guard })
                    {
                        sectionState = VisitExpression(guard, sectionState);
                    }
                }

                foreach (var statement in section.Body)
                {
                    sectionState = VisitStatement(statement, sectionState);
                }

                end = StreamState.Join(end, sectionState);
            }

            _scopes.RemoveAt(_scopes.Count - 1);
            return StreamState.Join(StreamState.Join(end, target.BreakState), hasDefault ? null : state);
        }

        private StreamState? VisitTry(ITryOperation tryStatement, StreamState? state)
        {
            var finallyScope = tryStatement.Finally == null ? null : new FinallyScope(tryStatement.Finally);
            if (finallyScope != null)
            {
                _scopes.Add(finallyScope);
            }

            var end = VisitStatement(tryStatement.Body, state);
            foreach (var handler in tryStatement.Catches)
            {
                // Exceptional path: whatever was open when the exception struck is not this rule's business.
                var caught = state == null ? (StreamState?)null : new StreamState(0, 0);
                caught = VisitExpression(handler.Filter, caught);
                end = StreamState.Join(end, VisitStatement(handler.Handler, caught));
            }

            if (finallyScope != null)
            {
                _scopes.RemoveAt(_scopes.Count - 1);
                end = VisitStatement(tryStatement.Finally, end);
            }

            return end;
        }

        /// <summary>Leaves every scope above <paramref name="depth"/>: disposes their using resources and runs their finally blocks.</summary>
        private StreamState? Unwind(int depth, StreamState? state, SyntaxNode exitSyntax)
        {
            for (var i = _scopes.Count - 1; i >= depth && state != null; i--)
            {
                switch (_scopes[i])
                {
                    case DisposalScope disposal:
                        state = ApplyDisposals(disposal, state, exitSyntax);
                        break;
                    case FinallyScope finallyScope:
                        // The finally block runs outside its own try: hide the scopes from i up while it runs.
                        var hidden = _scopes.GetRange(i, _scopes.Count - i);
                        _scopes.RemoveRange(i, hidden.Count);
                        state = VisitStatement(finallyScope.Block, state);
                        _scopes.AddRange(hidden);
                        break;
                }
            }

            return state;
        }

        private StreamState? ApplyDisposals(DisposalScope scope, StreamState? state, SyntaxNode? exitSyntax)
        {
            if (state == null)
            {
                return null;
            }

            var current = state.Value;
            for (var i = scope.Resources.Count - 1; i >= 0; i--)
            {
                var (entity, declarator) = scope.Resources[i];
                if (current.IsOpen(entity))
                {
                    _report(exitSyntax == null
                        ? new DisposalSite(entity, declarator, DisposalKind.ScopeEnd)
                        : new DisposalSite(entity, exitSyntax, DisposalKind.EarlyExit));
                }

                current = current.Dispose(entity);
            }

            return current;
        }

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
                    return StreamState.Join(VisitExpression(conditional.WhenTrue, state), VisitExpression(conditional.WhenFalse, state));
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
                case ISimpleAssignmentOperation assignment when _entities.IndexOf(assignment.Target) is var assigned && assigned >= 0:
                    return state.Reset(assigned);
                case IVariableDeclaratorOperation declarator when _entities.IndexOf(declarator.Symbol) is var declared && declared >= 0:
                    return state.Reset(declared);
                default:
                    return state;
            }
        }

        private StreamState ApplyInvocation(IInvocationOperation invocation, StreamState state)
        {
            var method = invocation.TargetMethod;
            if (_symbols.IsRuntimeClose(method))
            {
                foreach (var argument in invocation.Arguments)
                {
                    var closed = _entities.IndexOf(argument.Value);
                    if (closed >= 0)
                    {
                        state = state.Close(closed);
                    }
                }

                return state;
            }

            var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
            var entity = _entities.IndexOf(receiver);
            if (entity < 0)
            {
                var callsOwnType = invocation.Instance == null || invocation.Instance is IInstanceReferenceOperation;
                return callsOwnType && _sameTypeCall != null ? _sameTypeCall(invocation, state) : state;
            }

            if (_symbols.IsShutdown(method))
            {
                return state.Close(entity);
            }

            if (_symbols.IsDispose(method))
            {
                if (state.IsOpen(entity))
                {
                    _report(new DisposalSite(entity, OperationHelpers.OutermostCallExpression(invocation).Syntax, DisposalKind.Call));
                }

                return state.Dispose(entity);
            }

            return _symbols.IsUse(method) ? state.Use(entity) : state;
        }

        private static bool IsConstantTrue(IOperation? condition) =>
            condition?.ConstantValue is { HasValue: true, Value: true };

        private abstract class Scope
        {
        }

        /// <summary>Resources disposed when control leaves a using statement or a block with using declarations.</summary>
        private sealed class DisposalScope : Scope
        {
            public List<(int Entity, SyntaxNode Declarator)> Resources { get; } = new List<(int, SyntaxNode)>();

            public void Add(int entity, SyntaxNode declarator)
            {
                if (entity >= 0)
                {
                    Resources.Add((entity, declarator));
                }
            }
        }

        private sealed class FinallyScope : Scope
        {
            public FinallyScope(IBlockOperation block) => Block = block;

            public IBlockOperation Block { get; }
        }

        /// <summary>A loop or switch: where break and continue go, with the states they carry there.</summary>
        private sealed class TargetScope : Scope
        {
            private readonly ILabelSymbol? _exitLabel;
            private readonly ILabelSymbol? _continueLabel;

            public TargetScope(ILabelSymbol? exitLabel, ILabelSymbol? continueLabel)
            {
                _exitLabel = exitLabel;
                _continueLabel = continueLabel;
            }

            public StreamState? BreakState { get; private set; }

            public StreamState? ContinueState { get; private set; }

            public bool Owns(ILabelSymbol? label) =>
                label != null && (SymbolEqualityComparer.Default.Equals(label, _exitLabel) || SymbolEqualityComparer.Default.Equals(label, _continueLabel));

            public void Record(ILabelSymbol? label, StreamState? state)
            {
                if (SymbolEqualityComparer.Default.Equals(label, _exitLabel))
                {
                    BreakState = StreamState.Join(BreakState, state);
                }
                else
                {
                    ContinueState = StreamState.Join(ContinueState, state);
                }
            }
        }
    }
}
