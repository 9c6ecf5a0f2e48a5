using System.Linq;
using CloseNotify.CodeFixes.Conventions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes
{
    /// <summary>Names for the locals and catch variables a fix introduces.</summary>
    internal static class FreshNames
    {
        /// <summary><paramref name="baseName"/>, or baseName1, 2…: not in scope at <paramref name="at"/>, and not declared
        /// anywhere in the enclosing member either (a local may not reuse a name an enclosing scope declares later, CS0136).</summary>
        public static string Unique(SemanticModel model, SyntaxNode at, string baseName)
        {
            var member = at.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)at.SyntaxTree.GetRoot();
            var name = baseName;
            for (var i = 1; model.LookupSymbols(at.SpanStart, name: name).Any() || DeclaredIn(member, name); i++)
            {
                name = baseName + i;
            }

            return name;
        }

        /// <summary>A new catch variable's name: the one the file's catches use most, else the project's, else <c>ex</c>
        /// (made unique at <paramref name="at"/>). A fix in a project that writes <c>e_</c> or <c>exception</c> writes it too.</summary>
        public static string Exception(SemanticModel model, SyntaxNode at) =>
            Unique(model, at, ProjectConventions.ExceptionNameFor(model, at));

        private static bool DeclaredIn(SyntaxNode member, string name) =>
            member.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name
                && t.Parent is VariableDeclaratorSyntax or SingleVariableDesignationSyntax);
    }
}
