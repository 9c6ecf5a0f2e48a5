using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.CodeFixes.Conventions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// The post-pass every fix goes through: the usings the new code needs, its names shortened, its lines formatted
    /// and written in the file's conventions (<see cref="FileConventions"/>, read once from the document before the
    /// fix; a long catch filter broken over lines, <see cref="LongFilters"/>), and the result laid over the original
    /// text so that only the fix's lines differ (<see cref="LineDiff"/>).
    /// </summary>
    internal static class CodeFixCleanup
    {
        // A using directive in code an #if leaves out for this build: the compiler sees only text there.
        private static readonly Regex DisabledUsing = new Regex(@"^\s*using\s+([A-Za-z_][\w.]*)\s*;", RegexOptions.Multiline);

        /// <summary>Finishes <paramref name="changed"/>, the fixer's edit of <paramref name="original"/>.</summary>
        public static async Task<Document> AddImportsAndFormatAsync(Document original, Document changed, CancellationToken cancellationToken)
        {
            var conventions = await FileConventions.ReadAsync(original, cancellationToken).ConfigureAwait(false);
            changed = await KeepQualifiedWhereImportedConditionallyAsync(changed, cancellationToken).ConfigureAwait(false);
            var before = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            changed = await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            var after = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (before != null && after != null && after.ContainsAnnotations)
            {
                after = AddAnnotatedImports(before, after);
                changed = changed.WithSyntaxRoot(after);
            }

            if (before != null && after != null)
            {
                changed = changed.WithSyntaxRoot(UsingPlacement.Place(before, after, Options(changed, after)));
            }

            changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            // Indented as the file indents; the elastic trivia formatted too (the result is text: CodeAction's own
            // cleanup will find none left to format).
            var formatting = await FormattingOptionsAsync(changed, conventions, cancellationToken).ConfigureAwait(false);
            changed = await Formatter.FormatAsync(changed, Formatter.Annotation, formatting, cancellationToken).ConfigureAwait(false);
            changed = await Formatter.FormatAsync(changed, SyntaxAnnotation.ElasticAnnotation, formatting, cancellationToken).ConfigureAwait(false);
            changed = await NewCodeStyle.ApplyAsync(original, changed, conventions, cancellationToken).ConfigureAwait(false);
            changed = await LongFilters.WrapAsync(original, changed, conventions, cancellationToken).ConfigureAwait(false);

            var originalText = await original.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var text = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return original.WithText(LineDiff.Between(originalText, text).Restore(originalText, conventions));
        }

        /// <summary>Marks new code that calls an extension method of <paramref name="ns"/> (a call a name cannot import,
        /// as it does not bind before the using is there): the cleanup adds the using.</summary>
        public static SyntaxAnnotation ImportAnnotation(string ns) => new SyntaxAnnotation(ImportKind, ns);

        /// <summary>The namespaces the file imports under an <c>#if</c> only (for this build or another).</summary>
        public static HashSet<string> ConditionalImports(SyntaxNode root)
        {
            var conditional = new HashSet<string>(StringComparer.Ordinal);
            if (!root.ContainsDirectives)
            {
                return conditional;
            }

            var regions = UsingPlacement.ConditionalRegions(root);
            var usings = PlainUsings(root);
            conditional.UnionWith(usings.Where(u => regions.Any(r => r.Contains(u.Span))).Select(u => u.Name!.ToString())
                .Concat(root.DescendantTrivia().Where(t => t.IsKind(SyntaxKind.DisabledTextTrivia))
                    .SelectMany(t => DisabledUsing.Matches(t.ToString()).Cast<Match>().Select(m => m.Groups[1].Value))));
            conditional.ExceptWith(usings.Where(u => !regions.Any(r => r.Contains(u.Span))).Select(u => u.Name!.ToString()));
            return conditional;
        }

        private const string ImportKind = "CloseNotify.Import";

        private static List<UsingDirectiveSyntax> PlainUsings(SyntaxNode root) =>
            root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                .Where(u => u.Alias == null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name != null).ToList();

        /// <summary>The usings <see cref="ImportAnnotation"/> asks for and the file lacks, put beside the file's own (in
        /// the namespace when its usings are there; where the ImportAdder put one, there too), for
        /// <see cref="UsingPlacement"/> to order.</summary>
        private static SyntaxNode AddAnnotatedImports(SyntaxNode before, SyntaxNode after)
        {
            var wanted = after.GetAnnotatedNodes(ImportKind).SelectMany(n => n.GetAnnotations(ImportKind)).Select(a => a.Data).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (wanted.Count == 0)
            {
                return after;
            }

            var present = PlainUsings(after);
            var missing = wanted.Where(ns => !present.Any(u => u.Name!.ToString() == ns)).ToList();
            if (missing.Count == 0)
            {
                return after;
            }

            var old = new HashSet<string>(PlainUsings(before).Select(u => u.Name!.ToString()), StringComparer.Ordinal);
            var container = present.FirstOrDefault(u => !old.Contains(u.Name!.ToString()))?.Parent ?? present.FirstOrDefault()?.Parent ?? after;
            var directives = missing.Select(ns => SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
            return after.ReplaceNode(container, container switch
            {
                CompilationUnitSyntax unit => unit.AddUsings(directives.ToArray()),
                BaseNamespaceDeclarationSyntax ns => ns.AddUsings(directives.ToArray()),
                _ => container,
            });
        }

        /// <summary>Roslyn's formatting settings for the document (.editorconfig's, else its defaults) with the file's own
        /// indentation: tabs or spaces, and how many a level.</summary>
        private static async Task<Microsoft.CodeAnalysis.Options.OptionSet> FormattingOptionsAsync(Document document, FileConventions conventions, CancellationToken cancellationToken)
        {
            var options = await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
            return options
                .WithChangedOption(FormattingOptions.UseTabs, LanguageNames.CSharp, conventions.UseTabs)
                .WithChangedOption(FormattingOptions.IndentationSize, LanguageNames.CSharp, conventions.IndentSize)
                .WithChangedOption(FormattingOptions.TabSize, LanguageNames.CSharp, conventions.TabSize);
        }

        private static Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions Options(Document document, SyntaxNode root) =>
            document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(root.SyntaxTree);

        /// <summary>
        /// A namespace the file imports only under an <c>#if</c> (for this build or another) gets no new unconditional
        /// using: in a multi-targeted project dotnet format fixes the file once per target framework and merges the
        /// results, and a using added by the frameworks that lack the conditional one would then sit beside it in the
        /// others (CS0105). The new code names such types in full instead, the same text in every build.
        /// </summary>
        private static async Task<Document> KeepQualifiedWhereImportedConditionallyAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || !root.ContainsDirectives)
            {
                return document;
            }

            var conditional = ConditionalImports(root);
            var model = conditional.Count == 0 ? null : await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model == null)
            {
                return document;
            }

            var qualified = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var node in root.GetAnnotatedNodes(Simplifier.AddImportsAnnotation))
            {
                if (model.GetSymbolInfo(node, cancellationToken).Symbol is INamedTypeSymbol type
                    && type.ContainingNamespace is { IsGlobalNamespace: false } ns && conditional.Contains(ns.ToDisplayString()))
                {
                    qualified[node] = SyntaxFactory.ParseTypeName(type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)).WithTriviaFrom(node);
                }
            }

            return qualified.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(qualified.Keys, (o, _) => qualified[o]));
        }
    }
}
