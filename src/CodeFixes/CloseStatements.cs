using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    /// <summary>The statements a TLS001 fix writes, for the runtime (TlsClose) or the BCL alone (SslStream.ShutdownAsync).</summary>
    internal sealed class CloseStatements
    {
        // How long the BCL form of a synchronous close waits for its close_notify to be written (TlsClose.Notify's bound).
        private const int NotifyMilliseconds = 250;

        private readonly Compilation _compilation;
        private readonly SyntaxGenerator _generator;

        public CloseStatements(Compilation compilation, SyntaxGenerator generator)
        {
            _compilation = compilation;
            _generator = generator;
        }

        public INamedTypeSymbol? TlsClose => _compilation.GetTypeByMetadataName("CloseNotify.TlsClose");

        /// <summary>The runtime call: awaited GracefulAsync where the code can await; otherwise Notify (no drain, never
        /// throws, null accepted) for a graceful close, or Abort. <paramref name="token"/> is what GracefulAsync is given
        /// (the function's CancellationToken, or CancellationToken.None in cleanup code): CA2016 asks for one.</summary>
        public ExpressionSyntax RuntimeCall(ExpressionSyntax target, bool graceful, bool canAwait, bool configureAwait, ExpressionSyntax? token = null)
        {
            var isAsync = graceful && canAwait;
            var method = !graceful ? "Abort" : isAsync ? "GracefulAsync" : "Notify";
            var arguments = isAsync && token != null
                ? new[] { Argument(target), Argument(token).WithNameColon(NameColon("cancellationToken")) }
                : new[] { Argument(target) };
            ExpressionSyntax call = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Type(TlsClose!), IdentifierName(method)),
                ArgumentList(SeparatedList(arguments)));
            return isAsync ? Await(call, configureAwait) : call;
        }

        /// <summary><c>if (condition) { graceful } else { TlsClose.Abort(stream); }</c>: graceful on the normal branch of
        /// a split <paramref name="intent"/>.</summary>
        public StatementSyntax Split(ExpressionSyntax stream, CloseIntent intent, bool canAwait, bool configureAwait, ExpressionSyntax? token = null)
        {
            var condition = intent.GracefulWhenTrue ? intent.Condition! : PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, ParenthesizedIfNeeded(intent.Condition!));
            var graceful = ExpressionStatement(RuntimeCall(stream, graceful: true, canAwait, configureAwait, token));
            var abort = ExpressionStatement(RuntimeCall(stream, graceful: false, canAwait, configureAwait));
            return IfElse(condition, graceful, abort);
        }

        private static ExpressionSyntax ParenthesizedIfNeeded(ExpressionSyntax expression) =>
            expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or ParenthesizedExpressionSyntax or InvocationExpressionSyntax
                ? expression
                : ParenthesizedExpression(expression);

        /// <summary>Whether the runtime call needs the stream non-null (Notify accepts null).</summary>
        public static bool NeedsNonNull(bool graceful, bool canAwait) => !graceful || canAwait;

        /// <summary><c>CancellationToken.None</c>: what a close in cleanup code is given where the function has a token,
        /// which may be cancelled already (a loop that ended by cancellation) and would skip the close.</summary>
        public ExpressionSyntax NoToken() =>
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Type("System.Threading.CancellationToken"), IdentifierName("None"));

        /// <summary>The BCL close: <c>await ssl.ShutdownAsync()</c> where the code can await, else a write of the alert
        /// bounded like TlsClose.Notify's. Always in a try whose catch takes the errors of a peer that reset or closed
        /// first, or of a stream already closed (the runtime's close ignores them too): a close must not throw out of a
        /// disconnect and skip the rest of it. With <paramref name="isBenign"/> (the runtime's TlsErrors.IsBenign) the
        /// filter is that call. <paramref name="last"/>: a catch that reports the other errors, in cleanup code.</summary>
        public IReadOnlyList<StatementSyntax> BclClose(ExpressionSyntax ssl, bool canAwait, bool configureAwait, bool cleanup, string errorName, bool isBenign = false, bool suppressSyncWait = false, CatchClauseSyntax? last = null)
        {
            var shutdown = Invoke(ssl, "ShutdownAsync");
            StatementSyntax send = canAwait
                ? ExpressionStatement(Await(shutdown, configureAwait))
                : ExpressionStatement(Invoke(shutdown, "Wait", Invoke(Type("System.TimeSpan"), "FromMilliseconds", Literal(NotifyMilliseconds))));
            if (!canAwait && suppressSyncWait)
            {
                // The project runs VSTHRD002; this wait is bounded and in code that cannot await.
                send = send
                    .WithLeadingTrivia(Trivia(PragmaWarningDirectiveTrivia(Token(SyntaxKind.DisableKeyword), SingletonSeparatedList<ExpressionSyntax>(IdentifierName("VSTHRD002")), true)
                        .WithEndOfDirectiveToken(Token(TriviaList(), SyntaxKind.EndOfDirectiveToken, TriviaList(Comment(" // bounded (250 ms) wait for close_notify in code that cannot await"), ElasticCarriageReturnLineFeed)))))
                    .WithTrailingTrivia(ElasticCarriageReturnLineFeed, Trivia(PragmaWarningDirectiveTrivia(Token(SyntaxKind.RestoreKeyword), SingletonSeparatedList<ExpressionSyntax>(IdentifierName("VSTHRD002")), true)));
            }

            // catch (Exception e) when (e is IOException || e is ObjectDisposedException ...): Wait() wraps the task's
            // error in an AggregateException, hence the inner exception too.
            // Given the stream, a close of one with no session (never authenticated, a failed handshake) is benign too.
            var filter = isBenign
                ? Invoke(Type("CloseNotify.TlsErrors"), "IsBenign", IdentifierName(errorName), ssl)
                : BenignTypesFilter(IdentifierName(errorName), outer: true, inner: !canAwait, ssl);

            var catchClause = BenignCatch((TypeSyntax)Type("System.Exception"), errorName, filter);
            var catches = last == null ? SingletonList(catchClause) : List(new[] { catchClause, last });
            return new StatementSyntax[] { TryStatement(Block(send), catches, null) };
        }

        /// <summary><c>catch (Exception e) when (filter) { // why }</c>: the benign errors of a close ignored, with the one
        /// sentence that says why, whichever fix writes the catch (TLS001, TLS002, TLS004).</summary>
        public static CatchClauseSyntax BenignCatch(TypeSyntax exceptionType, string errorName, ExpressionSyntax filter)
        {
            var comment = Comment("// A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.");
            var handler = Block().WithOpenBraceToken(Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(ElasticCarriageReturnLineFeed, comment, ElasticCarriageReturnLineFeed));
            return CatchClause(CatchDeclaration(exceptionType, Identifier(errorName)), CatchFilterClause(filter), handler);
        }

        /// <summary>A flush of the owner that buffers (a StreamWriter's, BinaryWriter's or BufferedStream's pending bytes),
        /// so that they leave before close_notify rather than after it.</summary>
        public StatementSyntax Flush(ExpressionSyntax owner, bool canAwait, bool configureAwait, bool conditional, ExpressionSyntax? token)
        {
            if (canAwait)
            {
                var flush = InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, owner, IdentifierName("FlushAsync")),
                    ArgumentList(token == null ? default : SingletonSeparatedList(Argument(token))));
                return ExpressionStatement(Await(flush, configureAwait));
            }

            return conditional
                ? ExpressionStatement(ConditionalAccessExpression(owner, InvocationExpression(MemberBindingExpression(IdentifierName("Flush")))))
                : ExpressionStatement(Invoke(owner, "Flush"));
        }

        /// <summary><c>if (condition) { whenTrue } else { whenFalse }</c>.</summary>
        public static StatementSyntax IfElse(ExpressionSyntax condition, StatementSyntax whenTrue, StatementSyntax whenFalse) =>
            IfStatement(condition, whenTrue as BlockSyntax ?? Block(whenTrue), ElseClause(whenFalse as BlockSyntax ?? Block(whenFalse)));

        /// <summary><c>e is IOException || e is ObjectDisposedException</c> (<paramref name="outer"/>), then the same of
        /// <c>e.InnerException</c> (<paramref name="inner"/>: only where the error arrives wrapped, in the AggregateException of
        /// <c>Wait()</c> or <c>Result</c>): the errors of a peer that reset or closed, or of a stream already closed, in plain
        /// BCL code (C# 7.3). Given the <paramref name="stream"/> being closed, also what a close raises on a stream with no
        /// session (never authenticated, a failed handshake) or shut down already, told apart from a bug by the stream's
        /// state as <c>TlsErrors.IsBenign(e, stream)</c> does: <c>(e is InvalidOperationException || e is
        /// AuthenticationException) &amp;&amp; !stream.CanWrite</c> (<c>stream?.CanWrite != true</c> when it may be null). That
        /// error is raised before the close's task exists, so it is never wrapped.</summary>
        public ExpressionSyntax BenignTypesFilter(ExpressionSyntax error, bool outer, bool inner, ExpressionSyntax? stream = null, bool streamMaybeNull = false)
        {
            var tested = new List<ExpressionSyntax>();
            if (outer)
            {
                tested.Add(error);
            }

            if (inner)
            {
                tested.Add(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, error, IdentifierName("InnerException")));
            }

            // Folded to the left, as the parser reads a || b || c.
            var filter = tested
                .SelectMany(value => new[] { Is(value, "System.IO.IOException"), Is(value, "System.ObjectDisposedException") })
                .Aggregate(Or);
            if (stream == null || !outer)
            {
                return filter;
            }

            var noSession = ParenthesizedExpression(Or(Is(error, "System.InvalidOperationException"), Is(error, "System.Security.Authentication.AuthenticationException")));
            ExpressionSyntax cannotWrite = streamMaybeNull
                ? BinaryExpression(
                    SyntaxKind.NotEqualsExpression,
                    ConditionalAccessExpression(stream, MemberBindingExpression(IdentifierName("CanWrite"))),
                    LiteralExpression(SyntaxKind.TrueLiteralExpression))
                : PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, stream, IdentifierName("CanWrite")));
            return Or(filter, ParenthesizedExpression(BinaryExpression(SyntaxKind.LogicalAndExpression, noSession, cannotWrite)));
        }

        /// <summary><c>if (x != null) { statement }</c>.</summary>
        public static StatementSyntax IfNotNull(ExpressionSyntax value, StatementSyntax statement) =>
            IfStatement(BinaryExpression(SyntaxKind.NotEqualsExpression, value, LiteralExpression(SyntaxKind.NullLiteralExpression)), statement as BlockSyntax ?? Block(statement));

        /// <summary><c>if (x is SslStream name) { statements }</c>.</summary>
        public IfStatementSyntax IfSslStream(ExpressionSyntax value, string name, IReadOnlyList<StatementSyntax> statements) =>
            IfStatement(
                IsPatternExpression(value, DeclarationPattern((TypeSyntax)Type("System.Net.Security.SslStream"), SingleVariableDesignation(Identifier(name)))),
                Block(statements));

        private ExpressionSyntax Type(string metadataName) => Type(_compilation.GetTypeByMetadataName(metadataName)!);

        public SyntaxNode TypeExpression(ITypeSymbol type) => Type(type);

        private ExpressionSyntax Type(ITypeSymbol type) =>
            ((ExpressionSyntax)_generator.TypeExpression(type)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);

        private ExpressionSyntax Is(ExpressionSyntax value, string type) =>
            BinaryExpression(SyntaxKind.IsExpression, value, Type(type));

        private static ExpressionSyntax Or(ExpressionSyntax left, ExpressionSyntax right) =>
            BinaryExpression(SyntaxKind.LogicalOrExpression, left, right);

        private static ExpressionSyntax Literal(int value) =>
            LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

        private static InvocationExpressionSyntax Invoke(ExpressionSyntax receiver, string method, params ExpressionSyntax[] arguments) =>
            InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName(method)),
                ArgumentList(SeparatedList(arguments.Select(Argument))));

        private static ExpressionSyntax Await(ExpressionSyntax task, bool configureAwait) =>
            AwaitExpression(configureAwait ? Invoke(task, "ConfigureAwait", LiteralExpression(SyntaxKind.FalseLiteralExpression)) : task);
    }
}
