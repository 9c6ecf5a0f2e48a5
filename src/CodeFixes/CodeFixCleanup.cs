using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace CloseNotify.CodeFixes
{
    internal static class CodeFixCleanup
    {
        /// <summary>Adds the <c>using</c> directives the new code needs, shortens its names, formats what was annotated.</summary>
        public static async Task<Document> AddImportsAndFormatAsync(Document document, CancellationToken cancellationToken)
        {
            var before = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            document = await PlaceNewUsingsAsync(document, before as CompilationUnitSyntax, cancellationToken).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Roslyn sorts a new directive in only when the file's usings are sorted already; otherwise it appends it after the
        /// last one (after <c>using static</c> lines too). Real files are often grouped but not strictly sorted: then a new
        /// directive goes into its group (System.* among System.*, others among the other plain usings), before the
        /// first one it sorts before, and never among the <c>using static</c> or alias lines.
        /// </summary>
        private static async Task<Document> PlaceNewUsingsAsync(Document document, CompilationUnitSyntax? before, CancellationToken cancellationToken)
        {
            if (before == null || before.Usings.Count == 0 || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax root)
            {
                return document;
            }

            var old = new HashSet<string>(before.Usings.Select(u => u.ToString()));
            var added = root.Usings.Where(u => !old.Contains(u.ToString())).ToList();
            if (added.Count == 0 || added.Count == root.Usings.Count)
            {
                return document;
            }

            var kept = root.Usings.Where(u => old.Contains(u.ToString())).ToList();
            if (IsSortedAsRoslynWould(kept))
            {
                // Roslyn already put them in order.
                return document;
            }

            var usings = kept;
            foreach (var directive in added.Where(IsPlain).Select(u => u.WithoutTrivia().WithTrailingTrivia(kept[0].GetTrailingTrivia())))
            {
                usings = Insert(usings, directive);
            }

            usings.AddRange(added.Where(u => !IsPlain(u)));
            return document.WithSyntaxRoot(root.WithUsings(SyntaxFactory.List(usings)));
        }

        private static List<UsingDirectiveSyntax> Insert(List<UsingDirectiveSyntax> usings, UsingDirectiveSyntax directive)
        {
            var name = directive.Name!.ToString();
            var isSystem = IsSystem(name);
            var group = usings.Select((u, i) => (Using: u, Index: i)).Where(p => IsPlain(p.Using) && IsSystem(p.Using.Name!.ToString()) == isSystem).ToList();
            if (group.Count == 0)
            {
                // No group of its kind: after the last plain using.
                var lastPlain = usings.FindLastIndex(IsPlain);
                usings.Insert(lastPlain + 1, directive);
                return usings;
            }

            var next = group.FirstOrDefault(p => string.Compare(p.Using.Name!.ToString(), name, StringComparison.OrdinalIgnoreCase) > 0);
            if (next.Using == null)
            {
                usings.Insert(group[group.Count - 1].Index + 1, directive);
                return usings;
            }

            // Before `next`: what came before it (a blank line opening its group, a file header) now comes before the new one.
            usings[next.Index] = next.Using.WithLeadingTrivia(SyntaxTriviaList.Empty);
            usings.Insert(next.Index, directive.WithLeadingTrivia(next.Using.GetLeadingTrivia()));
            return usings;
        }

        private static bool IsSortedAsRoslynWould(IReadOnlyList<UsingDirectiveSyntax> usings)
        {
            var plain = usings.Where(IsPlain).Select(u => u.Name!.ToString()).ToList();
            var systemFirst = plain.OrderBy(n => IsSystem(n) ? 0 : 1).ThenBy(n => n, StringComparer.OrdinalIgnoreCase);
            var alphabetical = plain.OrderBy(n => n, StringComparer.OrdinalIgnoreCase);
            return plain.SequenceEqual(systemFirst) || plain.SequenceEqual(alphabetical);
        }

        private static bool IsPlain(UsingDirectiveSyntax directive) =>
            directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Alias == null && directive.Name != null && directive.GlobalKeyword.IsKind(SyntaxKind.None);

        private static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
    }
}
