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
        /// throws, null accepted) for a graceful close, or Abort.</summary>
        public ExpressionSyntax RuntimeCall(ExpressionSyntax target, bool graceful, bool canAwait, bool configureAwait)
        {
            var isAsync = graceful && canAwait;
            var method = !graceful ? "Abort" : isAsync ? "GracefulAsync" : "Notify";
            ExpressionSyntax call = Invoke(Type(TlsClose!), method, target);
            return isAsync ? Await(call, configureAwait) : call;
        }

        /// <summary>Whether the runtime call needs the stream non-null (Notify accepts null).</summary>
        public static bool NeedsNonNull(bool graceful, bool canAwait) => !graceful || canAwait;

        /// <summary>The BCL close: <c>await ssl.ShutdownAsync()</c> where the code can await, else a write of the alert
        /// bounded like TlsClose.Notify's. In cleanup code (and always when synchronous) the errors of a peer that reset
        /// or closed first are caught: there is nothing left to tell it, and a Dispose must not throw.</summary>
        public IReadOnlyList<StatementSyntax> BclClose(ExpressionSyntax ssl, bool canAwait, bool configureAwait, bool cleanup, string errorName)
        {
            var shutdown = Invoke(ssl, "ShutdownAsync");
            StatementSyntax send = canAwait
                ? ExpressionStatement(Await(shutdown, configureAwait))
                : ExpressionStatement(Invoke(shutdown, "Wait", Invoke(Type("System.TimeSpan"), "FromMilliseconds", Literal(NotifyMilliseconds))));
            if (canAwait && !cleanup)
            {
                return new[] { send };
            }

            // catch (Exception e) when (e is IOException || e is ObjectDisposedException || e.InnerException is IOException ...):
            // Wait() wraps the task's error in an AggregateException.
            var filter = BenignTypesFilter(IdentifierName(errorName), outer: true, inner: !canAwait);

            var comment = Comment("// The peer reset or closed first, or the stream is gone: nothing is left to tell the peer.");
            var handler = Block().WithOpenBraceToken(Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(ElasticCarriageReturnLineFeed, comment, ElasticCarriageReturnLineFeed));
            var catchClause = CatchClause(CatchDeclaration((TypeSyntax)Type("System.Exception"), Identifier(errorName)), CatchFilterClause(filter), handler);
            return new StatementSyntax[] { TryStatement(Block(send), SingletonList(catchClause), null) };
        }

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
