using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// The CancellationToken that CA2016 (forward the CancellationToken parameter) expects an inserted call to be given:
    /// the last parameter of the nearest lambda that has one (a lambda without one ends the search), else of the nearest
    /// local function or of the member, when it is the only CancellationToken parameter there. An awaited close in such
    /// a function without it would add CA2016 to a build that treats warnings as errors.
    /// </summary>
    internal static class TokenInScope
    {
        public static string? Find(SemanticModel model, SyntaxNode site)
        {
            var tokenType = model.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            if (tokenType == null)
            {
                return null;
            }

            foreach (var ancestor in site.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax lambda:
                        return Last(model.GetSymbolInfo(lambda).Symbol as IMethodSymbol, tokenType);
                    case LocalFunctionStatementSyntax localFunction when Last(model.GetDeclaredSymbol(localFunction) as IMethodSymbol, tokenType) is { } local:
                        return local;
                    case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                        return Last(model.GetDeclaredSymbol(ancestor) as IMethodSymbol, tokenType);
                    case BaseTypeDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        private static string? Last(IMethodSymbol? method, INamedTypeSymbol tokenType)
        {
            if (method == null || method.Parameters.Length == 0)
            {
                return null;
            }

            var last = method.Parameters[method.Parameters.Length - 1];
            return SymbolEqualityComparer.Default.Equals(last.Type, tokenType)
                && method.Parameters.Count(p => SymbolEqualityComparer.Default.Equals(p.Type, tokenType)) == 1
                ? last.Name
                : null;
        }
    }
}
