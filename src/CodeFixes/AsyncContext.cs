using System.Linq;
using System.Threading;
using CloseNotify.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes
{
    /// <summary>What the code around a fix allows: awaiting, and whether it is cleanup code (which must not throw).</summary>
    internal static class AsyncContext
    {
        /// <summary>True inside an async method, lambda or local function, or in top-level statements, outside a lock
        /// (where await is an error).</summary>
        public static bool AllowsAwait(SyntaxNode node)
        {
            foreach (var ancestor in node.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case LockStatementSyntax:
                        return false;
                    case AnonymousFunctionExpressionSyntax lambda:
                        return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                    case LocalFunctionStatementSyntax localFunction:
                        return localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    case MethodDeclarationSyntax method:
                        return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    case GlobalStatementSyntax:
                        // Top-level statements may always await (C# 9).
                        return true;
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Cleanup code, decided across the compilation (<see cref="CleanupContext"/>): a catch or finally block, a
        /// Dispose/DisposeAsync/finalizer, a cancellation callback, an event handler, an I/O callback, or a method any of
        /// them calls (up to three levels of callers), whatever its name. An error escaping there hides the original one,
        /// breaks a using or ends the process; a fix there must not open a throw path.</summary>
        public static bool IsCleanup(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
            CleanupContext.For(model.Compilation).IsCleanup(node, model, cancellationToken);

        /// <summary>Library code that writes ConfigureAwait(false) on its awaits gets it on the inserted one too.</summary>
        public static bool UsesConfigureAwaitFalse(SyntaxNode node)
        {
            var function = node.AncestorsAndSelf().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax);
            return function != null && function.DescendantNodes()
                .OfType<InvocationExpressionSyntax>()
                .Any(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" }
                    && i.ArgumentList.Arguments.Count == 1
                    && i.ArgumentList.Arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression));
        }

        /// <summary>Does the type write <c>this.</c> before its members? Then inserted member references get it too.</summary>
        public static bool UsesThisPrefix(SyntaxNode node)
        {
            var type = node.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            return type != null && type.DescendantNodes()
                .OfType<MemberAccessExpressionSyntax>()
                .Any(m => m.Expression.IsKind(SyntaxKind.ThisExpression));
        }
    }
}
