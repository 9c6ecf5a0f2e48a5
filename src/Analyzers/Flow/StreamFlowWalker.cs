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
    internal sealed partial class StreamFlowWalker
    {
        private const int MaxLoopPasses = 8;

        private readonly KnownSymbols _symbols;
        private readonly EntityTable _entities;
        private readonly Action<DisposalSite> _report;
        private readonly FlowEffects _effects;
        private readonly List<WalkScope> _scopes = new List<WalkScope>();
        private StreamState? _exit;
        private HandshakeOutcomes? _handshakes;

        public StreamFlowWalker(FlowEffects effects, EntityTable entities, Action<DisposalSite> report)
        {
            _effects = effects;
            _symbols = effects.Symbols;
            _entities = entities;
            _report = report;
        }

        /// <summary>Walks a body from <paramref name="entry"/>; returns the state at its normal end (null when it never ends normally).</summary>
        public StreamState? Run(IOperation body, StreamState entry)
        {
            _exit = null;
            _handshakes = HandshakeOutcomes.ForEntities(_symbols, _entities, body);
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
                    var (whenTrue, whenFalse) = Refine(conditional.Condition, state);
                    return StreamState.Join(
                        VisitStatement(conditional.WhenTrue, whenTrue),
                        conditional.WhenFalse == null ? whenFalse : VisitStatement(conditional.WhenFalse, whenFalse));
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
            AddResources(scope, usingStatement.Resources, usingStatement.IsAsynchronous);
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
                    AddResources(blockScope, usingDeclaration.DeclarationGroup, usingDeclaration.IsAsynchronous);
                    break;
                }
            }

            return state;
        }

        private void AddResources(DisposalScope scope, IOperation resources, bool asynchronous)
        {
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        scope.Add(_entities.IndexOf(declarator.Symbol), declarator.Syntax, asynchronous, declarator.Symbol);
                    }
                }
            }
            else
            {
                scope.Add(_entities.IndexOf(resources), resources.Syntax, asynchronous, OperationHelpers.ReferencedSymbol(resources));
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
                // switch (handshake.Status) { case TaskStatus.Faulted: ... }: the handshake failed in that section.
                var failed = _handshakes!.FailedInSection(switchStatement.Value, section);
                var sectionState = failed == 0 || state == null ? state : state.Value.Fail(failed);
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
                var (entity, declarator, asynchronous, subject) = scope.Resources[i];
                current = Dispose(current, entity, null, null, asynchronous, () => exitSyntax == null
                    ? new DisposalSite(entity, declarator, DisposalKind.ScopeEnd, subject)
                    : new DisposalSite(entity, exitSyntax, DisposalKind.EarlyExit, subject));
            }

            return current;
        }

        private static bool IsConstantTrue(IOperation? condition) =>
            condition?.ConstantValue is { HasValue: true, Value: true };
    }
}
