using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes
{
    internal static class AsyncContext
    {
        /// <summary>True inside an async method, lambda or local function, outside a lock (where await is an error).</summary>
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
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

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
    }
}
