using System;
using System.Linq;
using CloseNotify.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// The TLS002 fix for a single <c>SSL_shutdown</c>: a bounded loop over the project's own <c>SSL_shutdown</c> and
    /// <c>SSL_get_error</c> declarations, so that the library keeps the OpenSSL it loads itself (a driver bound to the
    /// system libssl would be the wrong library on Linux and missing on Windows). Per the OpenSSL manual: 1 means both
    /// close_notify alerts were exchanged, 0 that ours was sent (call again for the peer's), and &lt; 0 with
    /// SSL_ERROR_WANT_READ (2) / SSL_ERROR_WANT_WRITE (3) that the non-blocking socket was not ready.
    /// </summary>
    internal static class OpenSslShutdownLoop
    {
        /// <summary>How long the loop may run: a blocking call waits for the peer's alert, a non-blocking socket is
        /// retried every millisecond; a peer that never answers must not hold the close longer (TlsCloseOptions' default).</summary>
        private const int BoundMilliseconds = 2000;

        // Where the code can await, the pause between calls is awaited: the loop holds no thread while the socket is not
        // ready (a blocking Thread.Sleep would hold a pool thread, or the caller's event loop, for up to the bound).
        private const string SleepPause = "global::System.Threading.Thread.Sleep(1)";
        private const string AwaitedPause = "await global::System.Threading.Tasks.Task.Delay(1)";
        private const string AwaitedPauseWithoutContext = "await global::System.Threading.Tasks.Task.Delay(1).ConfigureAwait(false)";

        // The shape of the loop; every name in it is replaced by syntax built for the call site (the project's own
        // methods, the SSL* as the code wrote it, fresh local names), so nothing of the user's code passes through text.
        private const string Template = @"for (var STARTED = global::System.Environment.TickCount; unchecked(global::System.Environment.TickCount - STARTED) < BOUND; PAUSE)
{
    var RESULT = SHUTDOWN(SSL);
    if (RESULT == 1)
    {
        break;
    }

    if (RESULT < 0)
    {
        var ERROR = GETERROR(SSL, RESULT);
        if (ERROR != 2 && ERROR != 3)
        {
            break;
        }
    }
}";

        /// <summary>The loop for <paramref name="call"/>, or null when the project declares no usable SSL_get_error. In
        /// code that can await, it awaits its pauses (with ConfigureAwait(false) where the file uses it).</summary>
        public static StatementSyntax? Create(SemanticModel model, SyntaxGenerator generator, InvocationExpressionSyntax call, int position)
        {
            if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol shutdown || shutdown.Parameters.Length != 1
                || shutdown.ReturnType.SpecialType != SpecialType.System_Int32
                || call.ArgumentList.Arguments.Count != 1
                || call.ArgumentList.Arguments[0].Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax }))
            {
                // The SSL* is evaluated at each call: only a plain variable, field or property may be repeated.
                return null;
            }

            var getError = FindGetError(model, shutdown, position);
            if (getError == null)
            {
                return null;
            }

            var ssl = call.ArgumentList.Arguments[0].Expression.WithoutTrivia();
            var shutdownCallee = call.Expression.WithoutTrivia();
            var getErrorCallee = Callee(generator, shutdown, getError, shutdownCallee);
            var started = FreshNames.Unique(model, call, "started");
            var result = FreshNames.Unique(model, call, "result");
            var error = FreshNames.Unique(model, call, "error");

            // Only the BCL type names are simplified (and imported): the rest keeps the code's own style (this.).
            var pause = !AsyncContext.AllowsAwait(call) ? SleepPause : AsyncContext.UsesConfigureAwaitFalse(call) ? AwaitedPauseWithoutContext : AwaitedPause;
            var template = SyntaxFactory.ParseStatement(Template.Replace("PAUSE", pause));
            template = template.ReplaceNodes(
                template.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Where(m => m.Name.Identifier.ValueText is "Environment" or "Thread" or "Task"),
                (original, _) => original.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
            template = template.ReplaceTokens(
                template.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Parent is VariableDeclaratorSyntax),
                (original, _) => SyntaxFactory.Identifier(original.ValueText switch { "STARTED" => started, "RESULT" => result, _ => error }));
            return template.ReplaceNodes(
                template.DescendantNodes().OfType<IdentifierNameSyntax>(),
                (original, _) => original.Identifier.ValueText switch
                {
                    "SHUTDOWN" => shutdownCallee,
                    "GETERROR" => getErrorCallee,
                    "SSL" => ssl,
                    "RESULT" => SyntaxFactory.IdentifierName(result),
                    "STARTED" => SyntaxFactory.IdentifierName(started),
                    "ERROR" => SyntaxFactory.IdentifierName(error),
                    "BOUND" => SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(BoundMilliseconds)),
                    _ => original,
                });
        }

        /// <summary>The project's SSL_get_error(ssl, int) import: beside SSL_shutdown first, then anywhere in the source.</summary>
        private static IMethodSymbol? FindGetError(SemanticModel model, IMethodSymbol shutdown, int position)
        {
            bool Fits(IMethodSymbol m) =>
                KnownSymbols.IsNativeImport(m, "SSL_get_error") && m.Parameters.Length == 2
                && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, shutdown.Parameters[0].Type)
                && m.Parameters[1].Type.SpecialType == SpecialType.System_Int32
                && m.ReturnType.SpecialType == SpecialType.System_Int32
                && model.IsAccessible(position, m);

            var beside = shutdown.ContainingType.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(Fits);
            return beside ?? model.Compilation.GetSymbolsWithName(_ => true, SymbolFilter.Member)
                .OfType<IMethodSymbol>()
                .Where(m => m.IsExtern || m.IsPartialDefinition)
                .FirstOrDefault(Fits);
        }

        /// <summary>How to call SSL_get_error from here: the way SSL_shutdown was called when both live in one type.</summary>
        private static ExpressionSyntax Callee(SyntaxGenerator generator, IMethodSymbol shutdown, IMethodSymbol getError, ExpressionSyntax shutdownCallee)
        {
            var name = SyntaxFactory.IdentifierName(getError.Name);
            if (SymbolEqualityComparer.Default.Equals(shutdown.ContainingType, getError.ContainingType))
            {
                return shutdownCallee is MemberAccessExpressionSyntax access ? access.WithName(name) : name;
            }

            var type = (ExpressionSyntax)generator.TypeExpression(getError.ContainingType);
            return SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation), name);
        }
    }
}
