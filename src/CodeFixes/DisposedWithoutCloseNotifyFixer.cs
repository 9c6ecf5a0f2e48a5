// TLS001 fixes: close the stream gracefully, or abort it explicitly, before it is disposed.
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DisposedWithoutCloseNotifyFixer))]
    [Shared]
    public sealed class DisposedWithoutCloseNotifyFixer : CodeFixProvider
    {
        public const string GracefulKey = "TLS001.CloseGracefully";
        public const string AbortKey = "TLS001.AbortExplicitly";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(RuleIdentifiers.DisposedWithoutCloseNotify);

        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, context.CodeActionEquivalenceKey == GracefulKey, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                // Register only what can be applied: a fix that cannot place its statement offers nothing.
                if (!CloseInsertion.TryPlan(root, model, SyntaxGenerator.GetGenerator(context.Document), diagnostic, graceful: true, new StatementInsertion()))
                {
                    continue;
                }

                var name = diagnostic.Properties[DisposedWithoutCloseNotifyAnalyzer.NameProperty];
                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Close '{name}' gracefully (send close_notify, then drain)",
                        ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), graceful: true, ct),
                        GracefulKey),
                    diagnostic);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Abort '{name}' explicitly (no close_notify)",
                        ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), graceful: false, ct),
                        AbortKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool graceful, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var insertion = new StatementInsertion();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                CloseInsertion.TryPlan(editor.OriginalRoot, editor.SemanticModel, editor.Generator, diagnostic, graceful, insertion);
            }

            insertion.ApplyTo(editor);
            return await CodeFixCleanup.AddImportsAndFormatAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }
    }
}
