using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>What a file says about the names and blocks it writes, and, for a file with no example, its project's
    /// majority (read once per compilation).</summary>
    internal sealed class ProjectConventions
    {
        /// <summary>The catch variable name when nothing in the project shows one.</summary>
        public const string DefaultExceptionName = "ex";

        private static readonly ConditionalWeakTable<Compilation, ProjectConventions> Cache = new ConditionalWeakTable<Compilation, ProjectConventions>();

        private ProjectConventions(string exceptionName, string? emptyBlock)
        {
            ExceptionName = exceptionName;
            EmptyBlock = emptyBlock;
        }

        /// <summary>The project's most common catch variable name (<c>ex</c>, <c>e</c>, <c>exception</c>...), <c>ex</c> when none.</summary>
        public string ExceptionName { get; }

        /// <summary>The project's way of writing an empty block on one line, or null.</summary>
        public string? EmptyBlock { get; }

        public static ProjectConventions For(Compilation compilation) => Cache.GetValue(compilation, c =>
        {
            var roots = c.SyntaxTrees.Select(t => t.GetRoot()).ToList();
            return new ProjectConventions(
                MostCommon(roots.SelectMany(r => CatchNames(r, generalOnly: true))) ?? MostCommon(roots.SelectMany(r => CatchNames(r, generalOnly: false))) ?? DefaultExceptionName,
                MostCommon(roots.SelectMany(EmptyBlocks)));
        });

        /// <summary>The catch variable name a file uses most for a general catch (<c>catch (Exception ex)</c>), or null when
        /// it names none: a name given to one specific type (<c>catch (FtpCommandException ftpEx)</c>) is that type's, not
        /// the file's convention, and the project's general name is a better guess.</summary>
        public static string? ExceptionNameOf(SyntaxNode root) => MostCommon(CatchNames(root, generalOnly: true));

        /// <summary><c>{}</c> or <c>{ }</c>, as the file writes its empty one-line blocks, or null when it has none.</summary>
        public static string? EmptyBlockOf(SyntaxNode root) => MostCommon(EmptyBlocks(root));

        /// <summary>The name a fix gives a new catch variable at <paramref name="at"/>: the file's, else the project's.</summary>
        public static string ExceptionNameFor(SemanticModel model, SyntaxNode at) =>
            ExceptionNameOf(at.SyntaxTree.GetRoot()) ?? For(model.Compilation).ExceptionName;

        private static IEnumerable<string> CatchNames(SyntaxNode root, bool generalOnly) =>
            root.DescendantNodes()
                .OfType<CatchDeclarationSyntax>()
                .Where(d => !d.Identifier.IsKind(SyntaxKind.None) && (!generalOnly || IsGeneral(d.Type)))
                .Select(d => d.Identifier.ValueText)
                .Where(IsNameForUse);

        // Syntax only (no model here): `Exception` or `System.Exception`, as written.
        private static bool IsGeneral(TypeSyntax type) =>
            (type is QualifiedNameSyntax qualified ? qualified.Right : type) is IdentifierNameSyntax { Identifier: { ValueText: "Exception" } };

        /// <summary>A name that says the error is thrown away (<c>_</c>, <c>ignored</c>) is no name for an error a fix reports.</summary>
        private static bool IsNameForUse(string name) =>
            name.Trim('_').Length > 0 && !name.StartsWith("ignore", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("unused", StringComparison.OrdinalIgnoreCase);

        private static IEnumerable<string> EmptyBlocks(SyntaxNode root) =>
            root.DescendantNodes()
                .OfType<BlockSyntax>()
                .Where(b => b.Statements.Count == 0 && OnOneLine(b) && !b.CloseBraceToken.LeadingTrivia.Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia))
                    && !b.OpenBraceToken.TrailingTrivia.Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia)))
                .Select(b => b.OpenBraceToken.TrailingTrivia.Count + b.CloseBraceToken.LeadingTrivia.Count == 0 ? "{}" : "{ }");

        private static bool OnOneLine(SyntaxNode node)
        {
            var lines = node.SyntaxTree.GetLineSpan(node.Span);
            return lines.StartLinePosition.Line == lines.EndLinePosition.Line;
        }

        private static string? MostCommon(IEnumerable<string> values) =>
            values.GroupBy(v => v, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count())
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key)
                .FirstOrDefault();
    }
}
