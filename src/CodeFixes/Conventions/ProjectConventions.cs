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
                MostCommon(roots.SelectMany(CatchNames)) ?? DefaultExceptionName,
                MostCommon(roots.SelectMany(EmptyBlocks)));
        });

        /// <summary>The catch variable name a file uses most, or null when it names none.</summary>
        public static string? ExceptionNameOf(SyntaxNode root) => MostCommon(CatchNames(root));

        /// <summary><c>{}</c> or <c>{ }</c>, as the file writes its empty one-line blocks, or null when it has none.</summary>
        public static string? EmptyBlockOf(SyntaxNode root) => MostCommon(EmptyBlocks(root));

        /// <summary>The name a fix gives a new catch variable at <paramref name="at"/>: the file's, else the project's.</summary>
        public static string ExceptionNameFor(SemanticModel model, SyntaxNode at) =>
            ExceptionNameOf(at.SyntaxTree.GetRoot()) ?? For(model.Compilation).ExceptionName;

        private static IEnumerable<string> CatchNames(SyntaxNode root) =>
            root.DescendantNodes()
                .OfType<CatchDeclarationSyntax>()
                .Where(d => !d.Identifier.IsKind(SyntaxKind.None))
                .Select(d => d.Identifier.ValueText)
                .Where(IsNameForUse);

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
