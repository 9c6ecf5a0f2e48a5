using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>
    /// Where a fix's new <c>using</c> directives go. Roslyn sorts a new directive in only when the usings are sorted
    /// already, and otherwise appends it after the last one (after <c>using static</c> lines, or inside an <c>#if</c>
    /// block that ends the list). Here the new directives are taken out and put back as the file writes its own: into
    /// the group (blank-line separated) of their root namespace or kind, in the file's order (System first or
    /// alphabetical), before <c>using static</c> and alias lines, after <c>global using</c> lines, in the namespace
    /// when the usings are there — and never beside or inside an <c>#if</c> block, so that every target framework of a
    /// multi-targeted project writes the same line at the same place and dotnet format's merge keeps one.
    /// </summary>
    internal static class UsingPlacement
    {
        public static SyntaxNode Place(SyntaxNode before, SyntaxNode after, AnalyzerConfigOptions? options)
        {
            var old = new HashSet<string>(before.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>().Select(Key));
            var added = after.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                .Where(u => !old.Contains(Key(u))).ToList();
            if (added.Count == 0 || added.Select(u => u.Parent).Distinct().Count() != 1 || added.Any(u => !IsPlain(u)))
            {
                return after;
            }

            // The file's usings keep the trivia they had: Roslyn moves the file's header (a licence: the first using's
            // leading trivia) onto a using it adds first, which is placed below without its trivia.
            var original = before.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                .GroupBy(Key).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().GetLeadingTrivia());
            var roslyns = after;
            var moved = after.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                .Where(u => original.TryGetValue(Key(u), out var leading) && leading.ToFullString() != u.GetLeadingTrivia().ToFullString()).ToList();
            if (moved.Count > 0)
            {
                after = after.ReplaceNodes(moved, (node, _) => node.WithLeadingTrivia(original[Key(node)]));
                added = after.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                    .Where(u => !old.Contains(Key(u))).ToList();
            }

            var container = added[0].Parent!;
            var kept = Usings(container).Where(u => !added.Contains(u)).ToList();
            var regions = ConditionalRegions(after);
            if (kept.Count == 0 || !kept.Any(u => !u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword) && !regions.Any(r => r.Contains(u.Span))))
            {
                // No unconditional using of the file's own to place it by: Roslyn's place (the top of the list).
                return roslyns;
            }

            var order = new UsingOrder(kept.Where(u => IsPlain(u) && !regions.Any(r => r.Contains(u.Span))).Select(u => u.Name!.ToString()).ToList(), options);
            var usings = kept;
            foreach (var directive in added.OrderBy(u => u.Name!.ToString(), order))
            {
                usings = Insert(usings, directive.WithoutTrivia().WithTrailingTrivia(LineEnd(kept)), order, regions);
            }

            var list = SyntaxFactory.List(usings);
            return after.ReplaceNode(container, container switch
            {
                CompilationUnitSyntax unit => unit.WithUsings(list),
                BaseNamespaceDeclarationSyntax ns => ns.WithUsings(list),
                _ => container,
            });
        }

        /// <summary>The spans of the <c>#if</c> … <c>#endif</c> blocks (a using inside one exists for some builds only).</summary>
        public static IReadOnlyList<Microsoft.CodeAnalysis.Text.TextSpan> ConditionalRegions(SyntaxNode root)
        {
            var regions = new List<Microsoft.CodeAnalysis.Text.TextSpan>();
            for (var directive = root.GetFirstDirective(); directive != null; directive = directive.GetNextDirective())
            {
                if (directive is IfDirectiveTriviaSyntax && directive.GetRelatedDirectives().LastOrDefault() is EndIfDirectiveTriviaSyntax end)
                {
                    regions.Add(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(directive.FullSpan.Start, end.FullSpan.End));
                }
            }

            return regions;
        }

        private static SyntaxList<UsingDirectiveSyntax> Usings(SyntaxNode container) => container switch
        {
            CompilationUnitSyntax unit => unit.Usings,
            BaseNamespaceDeclarationSyntax ns => ns.Usings,
            _ => default,
        };

        private static List<UsingDirectiveSyntax> Insert(List<UsingDirectiveSyntax> usings, UsingDirectiveSyntax directive, UsingOrder order, IReadOnlyList<Microsoft.CodeAnalysis.Text.TextSpan> regions)
        {
            var name = directive.Name!.ToString();
            var candidates = usings.Select((u, i) => (Using: u, Index: i))
                .Where(p => !p.Using.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword) && !regions.Any(r => r.Contains(p.Using.Span)))
                .ToList();
            var groups = Groups(candidates);
            var plainGroups = groups.Where(g => g.Any(p => IsPlain(p.Using))).ToList();
            if (plainGroups.Count == 0)
            {
                // Only static or alias lines: before the first of them.
                return InsertBefore(usings, candidates[0].Index, directive);
            }

            var root = Root(name);
            var group = plainGroups.FirstOrDefault(g => g.Any(p => IsPlain(p.Using) && Root(p.Using.Name!.ToString()) == root));
            if (group == null && order.GroupsByRoot(plainGroups.Select(g => g.Where(p => IsPlain(p.Using)).Select(p => Root(p.Using.Name!.ToString())).Distinct().ToList()).ToList()))
            {
                // One group per root namespace (System, Microsoft, the project's own...): a group of its own, in order.
                var next = plainGroups.FirstOrDefault(g => order.Compare(Root(g.First(p => IsPlain(p.Using)).Using.Name!.ToString()), root) > 0);
                if (next == null)
                {
                    var last = plainGroups.Last().Last(p => IsPlain(p.Using));
                    usings.Insert(last.Index + 1, directive.WithLeadingTrivia(BlankLine(usings[last.Index])));
                    return usings;
                }

                var first = next.First();
                usings = InsertBefore(usings, first.Index, directive);
                usings[first.Index + 1] = usings[first.Index + 1].WithLeadingTrivia(BlankLine(first.Using));
                return usings;
            }

            // Else the group it sorts into among those of its kind (System or not), the first one when it sorts before all.
            group ??= plainGroups.Where(g => g.Any(p => IsPlain(p.Using) && IsSystem(p.Using.Name!.ToString()) == IsSystem(name))).LastOrDefault(g =>
                    order.Compare(g.First(p => IsPlain(p.Using)).Using.Name!.ToString(), name) < 0)
                ?? plainGroups.FirstOrDefault(g => g.Any(p => IsPlain(p.Using) && IsSystem(p.Using.Name!.ToString()) == IsSystem(name)))
                ?? (IsSystem(name) ? plainGroups.First() : plainGroups.Last());
            var plain = group.Where(p => IsPlain(p.Using)).ToList();
            var after = plain.FirstOrDefault(p => order.Compare(p.Using.Name!.ToString(), name) > 0);
            if (after.Using != null)
            {
                return InsertBefore(usings, after.Index, directive);
            }

            usings.Insert(plain.Last().Index + 1, directive);
            return usings;
        }

        /// <summary>Before <c>usings[index]</c>: what came before it (a blank line opening its group, a header, an
        /// <c>#endif</c>) now comes before the new one; it keeps its indentation.</summary>
        private static List<UsingDirectiveSyntax> InsertBefore(List<UsingDirectiveSyntax> usings, int index, UsingDirectiveSyntax directive)
        {
            var next = usings[index];
            usings[index] = next.WithLeadingTrivia(Indentation(next.GetLeadingTrivia()));
            usings.Insert(index, directive.WithLeadingTrivia(next.GetLeadingTrivia()));
            return usings;
        }

        /// <summary>Runs of usings with no blank line (nor directive) between them.</summary>
        private static List<List<(UsingDirectiveSyntax Using, int Index)>> Groups(List<(UsingDirectiveSyntax Using, int Index)> usings)
        {
            var groups = new List<List<(UsingDirectiveSyntax, int)>>();
            (UsingDirectiveSyntax Using, int Index) previous = default;
            foreach (var pair in usings)
            {
                var opens = groups.Count == 0 || pair.Index != previous.Index + 1
                    || pair.Using.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsDirective);
                if (opens)
                {
                    groups.Add(new List<(UsingDirectiveSyntax, int)>());
                }

                groups[groups.Count - 1].Add(pair);
                previous = pair;
            }

            return groups;
        }

        private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
        {
            var last = leading.LastOrDefault();
            return last.IsKind(SyntaxKind.WhitespaceTrivia) && (leading.Count == 1 || leading[leading.Count - 2].IsKind(SyntaxKind.EndOfLineTrivia) || leading[leading.Count - 2].IsDirective)
                ? SyntaxFactory.TriviaList(last)
                : SyntaxTriviaList.Empty;
        }

        /// <summary>An empty line, then the indentation of <paramref name="model"/>.</summary>
        private static SyntaxTriviaList BlankLine(UsingDirectiveSyntax model) =>
            SyntaxFactory.TriviaList(model.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is var eol && eol.IsKind(SyntaxKind.EndOfLineTrivia) ? eol : SyntaxFactory.ElasticCarriageReturnLineFeed)
                .AddRange(Indentation(model.GetLeadingTrivia()));

        /// <summary>The line break the usings end with.</summary>
        private static SyntaxTriviaList LineEnd(List<UsingDirectiveSyntax> usings) =>
            usings.Select(u => u.GetTrailingTrivia()).FirstOrDefault(t => t.Any(x => x.IsKind(SyntaxKind.EndOfLineTrivia)));

        private static string Key(UsingDirectiveSyntax u) => u.WithoutTrivia().ToString();

        private static bool IsPlain(UsingDirectiveSyntax directive) =>
            directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Alias == null && directive.Name != null && directive.GlobalKeyword.IsKind(SyntaxKind.None);

        internal static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);

        private static string Root(string name)
        {
            var dot = name.IndexOf('.');
            return dot < 0 ? name : name.Substring(0, dot);
        }
    }
}
