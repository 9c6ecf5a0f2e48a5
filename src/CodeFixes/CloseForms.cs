using System.Collections.Generic;
using System.Linq;
using CloseNotify.CodeFixes.Conventions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    /// <summary>What a TLS001 fix wrote, for its title.</summary>
    internal enum CloseForm
    {
        GracefulAsync,
        Notify,
        Abort,
        AbortByIntent,
        Split,
        WriteOnly,
        BclAwait,
        BclWait,

        /// <summary>Nothing written: a close planned before an earlier disposal of the same stream covers this one.</summary>
        Covered,
    }

    /// <summary>The statements of one planned close, and what they do.</summary>
    internal sealed class ClosePlan
    {
        public ClosePlan(IReadOnlyList<StatementSyntax> statements, CloseForm form, bool disposes, bool neverThrows)
        {
            Statements = statements;
            Form = form;
            Disposes = disposes;
            NeverThrows = neverThrows;
        }

        public IReadOnlyList<StatementSyntax> Statements { get; }

        public CloseForm Form { get; }

        /// <summary>The close disposes the stream (every runtime close does; ShutdownAsync does not).</summary>
        public bool Disposes { get; }

        /// <summary>Nothing can escape it (Notify, Abort of a stream known non-null): a catch around it is dead.</summary>
        public bool NeverThrows { get; }
    }

    /// <summary>
    /// Chooses and writes the close for a site, by the fix's key, whether the runtime is referenced, and the context:
    /// awaiting allowed, cleanup code, the function's CancellationToken (CA2016), the code's intent (<see cref="CloseIntent"/>),
    /// the analyzers the project runs (VSTHRD002), whether the file builds for a framework without ShutdownAsync.
    /// </summary>
    internal sealed class CloseForms
    {
        private readonly SemanticModel _model;
        private readonly CloseStatements _statements;
        private readonly CloseMode _mode;
        private readonly FixEnvironment _environment;
        private readonly StatementInsertion _insertion;

        private readonly System.Threading.CancellationToken _cancellationToken;

        public CloseForms(SemanticModel model, CloseStatements statements, CloseMode mode, FixEnvironment environment, StatementInsertion insertion, System.Threading.CancellationToken cancellationToken)
        {
            _cancellationToken = cancellationToken;
            _insertion = insertion;
            _model = model;
            _statements = statements;
            _mode = mode;
            _environment = environment;
        }

        public SyntaxNode TypeExpression(ITypeSymbol type) => _statements.TypeExpression(type);

        /// <summary>The close of <paramref name="stream"/> at <paramref name="context"/>, or null when none fits.</summary>
        public ClosePlan? Plan(StreamTarget stream, Flushable? flushFirst, bool conditionalFlush, bool maybeNull, SyntaxNode context, ISymbol symbol)
        {
            var canAwait = AsyncContext.AllowsAwait(context);
            var configureAwait = canAwait && AsyncContext.UsesConfigureAwaitFalse(context);
            var cleanup = AsyncContext.IsCleanup(context, _model, _cancellationToken);

            // In cleanup code a close that may throw reports its errors in a catch of its own, unless it is the last thing a
            // try around it (in the same function) runs before a catch that takes every error: a second catch inside would
            // be dead code (a statement after it in that try would be skipped by an error, so there it keeps its own).
            var reports = cleanup && !BoundedShutdown.EndsTryThatCatchesEverything(_model, context);
            var tokenName = canAwait ? TokenInScope.Find(_model, context) : null;
            ExpressionSyntax? token = tokenName == null ? null : cleanup ? _statements.NoToken() : IdentifierName(tokenName);
            var needsGuard = maybeNull && !NullGuards.IsGuarded(context, stream.Guarded);
            var target = new Target(stream, needsGuard);
            var intent = _mode == CloseMode.Abort ? new CloseIntent() : CloseIntent.Of(_model, context, symbol);

            ClosePlan? plan = (_mode, intent.Kind) switch
            {
                (CloseMode.Abort, _) => Runtime(target, graceful: false, canAwait, configureAwait, token, CloseForm.Abort),
                (CloseMode.Graceful, IntentKind.Abort) => Runtime(target, graceful: false, canAwait, configureAwait, token, CloseForm.AbortByIntent),
                (CloseMode.Graceful, IntentKind.Split) => Split(target, intent, canAwait, configureAwait, token),
                (CloseMode.Graceful, IntentKind.WriteOnly) when canAwait => WriteOnly(target, configureAwait, context, reports),
                // Beside the type's own read loop: awaited write-only where every target has ShutdownAsync, else Notify.
                (CloseMode.Graceful, IntentKind.NoDrain) when canAwait && _environment.ShutdownEverywhere => WriteOnly(target, configureAwait, context, reports),
                (CloseMode.Graceful, IntentKind.NoDrain) => Runtime(target, graceful: true, canAwait: false, configureAwait, token, CloseForm.Notify),
                (CloseMode.Graceful, _) => Runtime(target, graceful: true, canAwait, configureAwait, token, canAwait ? CloseForm.GracefulAsync : CloseForm.Notify, reports ? context : null),
                (CloseMode.Bcl, IntentKind.Graceful or IntentKind.WriteOnly or IntentKind.NoDrain) => Bcl(target, canAwait, configureAwait, context, reports),
                _ => null,
            };
            if (plan == null || flushFirst == null)
            {
                return plan;
            }

            var flush = FlushOf(flushFirst, canAwait, configureAwait, conditionalFlush, tokenName, cleanup);
            if (flush == null)
            {
                return null;
            }

            // The owner's null test and the close's are one: `if (w != null) { await w.FlushAsync(); await …(w.BaseStream); }`.
            if (flush is IfStatementSyntax { Statement: BlockSyntax { Statements.Count: 1 } flushBody } flushGuard
                && plan.Statements.Count == 1 && plan.Statements[0] is IfStatementSyntax { Else: null, Statement: BlockSyntax closeBody } closeGuard
                && flushGuard.Condition.ToString() == closeGuard.Condition.ToString())
            {
                var merged = closeGuard.WithStatement(closeBody.WithStatements(closeBody.Statements.Insert(0, flushBody.Statements[0])));
                return new ClosePlan(new StatementSyntax[] { merged }, plan.Form, plan.Disposes, plan.NeverThrows);
            }

            return new ClosePlan(new[] { flush }.Concat(plan.Statements).ToList(), plan.Form, plan.Disposes, plan.NeverThrows);
        }

        /// <summary>The stream a close takes and the null test it may need.</summary>
        private readonly struct Target
        {
            public Target(StreamTarget stream, bool needsGuard)
            {
                Stream = stream;
                NeedsGuard = needsGuard;
            }

            public StreamTarget Stream { get; }

            public bool NeedsGuard { get; }

            /// <summary>The expression for a close that accepts null (Notify, an <c>is</c> test).</summary>
            public ExpressionSyntax NullAccepting => NeedsGuard ? Stream.NullSafeExpression : Stream.Expression;

            /// <summary>Wraps <paramref name="statement"/> in the null test it needs, if any.</summary>
            public StatementSyntax Guard(StatementSyntax statement) => NeedsGuard ? CloseStatements.IfNotNull(Stream.Guarded, statement) : statement;
        }

        /// <summary>The runtime's close. In cleanup code (<paramref name="cleanupAt"/>) an awaited graceful close, which throws
        /// what is not benign (after disposing), is in a try whose catch reports the error instead: the disposal it
        /// replaces never threw.</summary>
        private ClosePlan Runtime(Target target, bool graceful, bool canAwait, bool configureAwait, ExpressionSyntax? token, CloseForm form, SyntaxNode? cleanupAt = null)
        {
            if (graceful && !canAwait)
            {
                // Notify accepts null: no test.
                return new ClosePlan(new[] { ExpressionStatement(_statements.RuntimeCall(target.NullAccepting, graceful: true, canAwait: false, configureAwait)) }, form, disposes: true, neverThrows: true);
            }

            StatementSyntax statement = ExpressionStatement(_statements.RuntimeCall(target.Stream.Expression, graceful, canAwait, configureAwait, token));
            if (graceful && cleanupAt != null)
            {
                statement = TryStatement(Block(statement), SingletonList(Reporting(cleanupAt)), null);
            }

            return new ClosePlan(new[] { target.Guard(statement) }, form, disposes: true, neverThrows: !graceful || cleanupAt != null);
        }

        /// <summary><c>catch (Exception ex) { report }</c>: the library's logger, else Trace (<see cref="CleanupLogger"/>).</summary>
        private CatchClauseSyntax Reporting(SyntaxNode at)
        {
            var name = _insertion.FreshName(_model, at, ProjectConventions.ExceptionNameFor(_model, at), scopedToCatch: true);
            var exception = (TypeSyntax)_statements.TypeExpression(_model.Compilation.GetTypeByMetadataName("System.Exception")!);
            return CatchClause(CatchDeclaration(exception, Identifier(name)), null, Block(CleanupLogger.Report(_model, at, name, "TLS close failed")));
        }

        /// <summary><c>if (condition) { graceful } else { abort }</c>, null-guarded as a whole where needed.</summary>
        private ClosePlan Split(Target target, CloseIntent intent, bool canAwait, bool configureAwait, ExpressionSyntax? token) =>
            new ClosePlan(new[] { target.Guard(_statements.Split(target.Stream.Expression, intent, canAwait, configureAwait, token)) }, CloseForm.Split, disposes: true, neverThrows: !canAwait);

        /// <summary>close_notify written, nothing read: where the framework tears the connection down itself.</summary>
        private ClosePlan? WriteOnly(Target target, bool configureAwait, SyntaxNode context, bool cleanup)
        {
            if (!_environment.ShutdownEverywhere)
            {
                return null;
            }

            var statements = ShutdownStatements(target, canAwait: true, configureAwait, context, isBenign: true, cleanup);
            return new ClosePlan(statements, CloseForm.WriteOnly, disposes: false, neverThrows: false);
        }

        private ClosePlan Bcl(Target target, bool canAwait, bool configureAwait, SyntaxNode context, bool cleanup)
        {
            var statements = ShutdownStatements(target, canAwait, configureAwait, context, isBenign: false, cleanup);
            return new ClosePlan(statements, canAwait ? CloseForm.BclAwait : CloseForm.BclWait, disposes: false, neverThrows: false);
        }

        private IReadOnlyList<StatementSyntax> ShutdownStatements(Target target, bool canAwait, bool configureAwait, SyntaxNode context, bool isBenign, bool cleanup)
        {
            var error = _insertion.FreshName(_model, context, ProjectConventions.ExceptionNameFor(_model, context), scopedToCatch: true);
            var last = cleanup ? Reporting(context) : null;
            if (target.Stream.TypedAsStream)
            {
                // A Stream-typed holder: only an SslStream has a close_notify to send (`is` is false for null too).
                var local = _insertion.FreshName(_model, context, "ssl");
                var body = _statements.BclClose(IdentifierName(local), canAwait, configureAwait, cleanup, error, isBenign, _environment.SyncWaitAnalyzed, last);
                return new StatementSyntax[] { _statements.IfSslStream(target.NullAccepting, local, body) };
            }

            var close = _statements.BclClose(target.Stream.Expression, canAwait, configureAwait, cleanup, error, isBenign, _environment.SyncWaitAnalyzed, last);
            return target.NeedsGuard ? new[] { CloseStatements.IfNotNull(target.Stream.Guarded, Block(close)) } : close;
        }

        /// <summary>The owner's flush: awaited where the code can await and the owner has FlushAsync (given the token
        /// where CA2016 would ask for it and every target framework of the file has that overload), else Flush().</summary>
        private StatementSyntax? FlushOf(Flushable flushable, bool canAwait, bool configureAwait, bool conditional, string? tokenName, bool cleanup)
        {
            var owner = flushable.Expression;
            var type = flushable.Type;
            var flushes = AllMembers(type, "FlushAsync");
            var hasAsync = flushes.Any(m => m.Parameters.Length == 0);
            var withToken = flushes.Any(m => m.Parameters.Length == 1 && m.Parameters[0].Type.Name == "CancellationToken");
            if (!canAwait || !hasAsync)
            {
                return _statements.Flush(owner, canAwait: false, configureAwait, conditional, null);
            }

            ExpressionSyntax? token = null;
            if (tokenName != null && withToken)
            {
                if (!_environment.EverywhereLike(type))
                {
                    // The overload is missing in another target framework of the file: CA2016 here, CS1501 there.
                    return null;
                }

                token = cleanup ? _statements.NoToken() : IdentifierName(tokenName);
            }

            // `owner?.Dispose()` said the owner may be null: the awaited flush is null-tested like the close.
            var flush = _statements.Flush(owner, canAwait: true, configureAwait, conditional, token);
            return conditional ? CloseStatements.IfNotNull(owner, flush) : flush;
        }

        private static IEnumerable<IMethodSymbol> AllMembers(ITypeSymbol type, string name)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                foreach (var method in t.GetMembers(name).OfType<IMethodSymbol>())
                {
                    yield return method;
                }
            }
        }
    }

    /// <summary>Facts about the project a fix is written for.</summary>
    internal sealed class FixEnvironment
    {
        private readonly System.Func<ITypeSymbol, bool> _everywhereLike;

        public FixEnvironment(bool shutdownEverywhere, bool syncWaitAnalyzed, System.Func<ITypeSymbol, bool> everywhereLike)
        {
            ShutdownEverywhere = shutdownEverywhere;
            SyncWaitAnalyzed = syncWaitAnalyzed;
            _everywhereLike = everywhereLike;
        }

        /// <summary>SslStream.ShutdownAsync compiles in every target framework of the file.</summary>
        public bool ShutdownEverywhere { get; }

        /// <summary>The project runs Microsoft.VisualStudio.Threading.Analyzers (VSTHRD002 reports synchronous waits).</summary>
        public bool SyncWaitAnalyzed { get; }

        /// <summary>Every other target framework of the file has the members this compilation's <paramref name="type"/> has.</summary>
        public bool EverywhereLike(ITypeSymbol type) => _everywhereLike(type);
    }

    /// <summary>Whether a null test of the target already encloses the site (no second one is written).</summary>
    internal static class NullGuards
    {
        public static bool IsGuarded(SyntaxNode site, ExpressionSyntax target)
        {
            foreach (var ancestor in site.AncestorsAndSelf())
            {
                if (ancestor is IfStatementSyntax ifStatement && ifStatement.Statement.Span.Contains(site.Span) && NotNull(ifStatement.Condition, target))
                {
                    return true;
                }

                if (ancestor is BlockSyntax block && block.Statements.TakeWhile(s => !s.Span.Contains(site.Span) && s.SpanStart < site.SpanStart)
                    .OfType<IfStatementSyntax>().Any(i => IsNull(i.Condition, target) && i.Else == null && Exits(i.Statement)))
                {
                    return true;
                }

                if (ancestor is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return false;
                }
            }

            return false;
        }

        private static bool Exits(StatementSyntax statement) =>
            statement is ReturnStatementSyntax or ThrowStatementSyntax || statement is BlockSyntax { Statements.Count: 1 } block && Exits(block.Statements[0]);

        private static bool NotNull(ExpressionSyntax condition, ExpressionSyntax target) => Strip(condition) switch
        {
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } b => Same(b.Left, target) && IsNullLiteral(b.Right) || Same(b.Right, target) && IsNullLiteral(b.Left),
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } and => NotNull(and.Left, target) || NotNull(and.Right, target),
            IsPatternExpressionSyntax { Pattern: UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: var c } } } p => Same(p.Expression, target) && IsNullLiteral(c),
            IsPatternExpressionSyntax { Pattern: RecursivePatternSyntax or DeclarationPatternSyntax } p => Same(p.Expression, target),
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.IsExpression } b => Same(b.Left, target),
            _ => false,
        };

        private static bool IsNull(ExpressionSyntax condition, ExpressionSyntax target) => Strip(condition) switch
        {
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } b => Same(b.Left, target) && IsNullLiteral(b.Right) || Same(b.Right, target) && IsNullLiteral(b.Left),
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } or => IsNull(or.Left, target) || IsNull(or.Right, target),
            IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression: var c } } p => Same(p.Expression, target) && IsNullLiteral(c),
            _ => false,
        };

        private static ExpressionSyntax Strip(ExpressionSyntax e) => e is ParenthesizedExpressionSyntax p ? Strip(p.Expression) : e;

        private static bool IsNullLiteral(ExpressionSyntax e) => Strip(e).IsKind(SyntaxKind.NullLiteralExpression);

        /// <summary>The same reference, with or without <c>this.</c>.</summary>
        private static bool Same(ExpressionSyntax a, ExpressionSyntax b) => WithoutThis(Strip(a)) == WithoutThis(Strip(b));

        private static string WithoutThis(ExpressionSyntax e) =>
            (e is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access ? access.Name : e).WithoutTrivia().ToString();
    }
}
