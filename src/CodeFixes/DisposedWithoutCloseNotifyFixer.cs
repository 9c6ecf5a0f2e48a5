// TLS001 fixes: close the stream before it is disposed, in the way its context allows, or abort it explicitly.
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Analyzers;
using CloseNotify.CodeFixes.LinkedFiles;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DisposedWithoutCloseNotifyFixer))]
    [Shared]
    public sealed class DisposedWithoutCloseNotifyFixer : CodeFixProvider
    {
        /// <summary>The default fix, the one `dotnet format` applies: with the runtime, an awaited graceful close where
        /// the code can await and TlsClose.Notify elsewhere; without it, SslStream.ShutdownAsync.</summary>
        public const string GracefulKey = "TLS001.CloseGracefully";
        public const string AbortKey = "TLS001.AbortExplicitly";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(RuleIdentifiers.DisposedWithoutCloseNotify);

        public override FixAllProvider GetFixAllProvider() => LinkedFileFixAllProvider.ForDocuments(async (context, document, diagnostics) =>
        {
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            // A missing key (dotnet format, when the first diagnostic it met has no fix) means the default fix.
            var key = FixAllKeys.Resolve(context.CodeActionEquivalenceKey, GracefulKey, AbortKey);
            // Whether the BCL close compiles is decided per diagnostic below (which frameworks compile its line).
            var mode = model == null ? (CloseMode?)null : ModeFor(document, model.Compilation, key, at: null, acrossTargets: false);
            return mode == null ? document : await ApplyAsync(document, diagnostics, mode.Value, context.CancellationToken).ConfigureAwait(false);
        });

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return;
            }

            var document = context.Document;
            foreach (var diagnostic in context.Diagnostics)
            {
                var environment = Environment(document, model.Compilation, diagnostic.Location.SourceSpan);
                var name = diagnostic.Properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.TargetProperty, out var target) ? target : null;
                foreach (var key in new[] { GracefulKey, AbortKey })
                {
                    // Register only what can be applied: a fix that cannot place its statement offers nothing.
                    var mode = ModeFor(document, model.Compilation, key, diagnostic.Location.SourceSpan);
                    var form = mode == null ? null : CloseInsertion.TryPlan(root, model, SyntaxGenerator.GetGenerator(document), diagnostic, mode.Value, environment, new StatementInsertion(), context.CancellationToken);
                    if (form == null)
                    {
                        continue;
                    }

                    context.RegisterCodeFix(
                        CodeAction.Create(Title(form.Value, name), ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), mode!.Value, ct), key),
                        diagnostic);
                }
            }
        }

        /// <summary>Each title says what the fix writes, whether it can block and for how long.</summary>
        private static string Title(CloseForm form, string? name) => form switch
        {
            CloseForm.GracefulAsync => $"Close '{name}' gracefully: await TlsClose.GracefulAsync (close_notify, then a drain of at most 2 s / 1 MiB)",
            CloseForm.Notify => $"Send close_notify on '{name}': TlsClose.Notify (blocks at most 250 ms for the write, no drain, never throws)",
            CloseForm.Abort => $"Abort '{name}' explicitly: TlsClose.Abort (no close_notify, TCP reset, does not block)",
            CloseForm.AbortByIntent => $"Abort '{name}' as the code does here (it resets the connection, or replaces it): TlsClose.Abort (no close_notify, TCP reset)",
            CloseForm.Split => $"Close '{name}' gracefully on the normal branch and abort it on the other (TlsClose.Notify / TlsClose.Abort)",
            CloseForm.WriteOnly => $"Send close_notify on '{name}' without reading: await ShutdownAsync() (the framework ends the connection itself)",
            CloseForm.Covered => $"Close '{name}' (covered by the close of the same stream before it)",
            CloseForm.BclAwait => $"Send close_notify on '{name}': await ShutdownAsync() before disposing (waits for the write only, no drain)",
            _ => $"Send close_notify on '{name}': ShutdownAsync().Wait(250 ms) before disposing (no drain, reset/closed errors ignored)",
        };

        /// <summary>What a key writes in this project; null when it cannot: the abort needs the runtime, and the BCL
        /// close needs ShutdownAsync in every target framework that compiles the line at <paramref name="at"/> (only in
        /// this one unless <paramref name="acrossTargets"/>).</summary>
        private static CloseMode? ModeFor(Document document, Compilation compilation, string? key, TextSpan? at, bool acrossTargets = true)
        {
            var runtime = compilation.GetTypeByMetadataName("CloseNotify.TlsClose") != null;
            if (key == AbortKey)
            {
                return runtime ? CloseMode.Abort : null;
            }

            if (key != GracefulKey)
            {
                return null;
            }

            return runtime ? CloseMode.Graceful
                : (acrossTargets ? ShutdownAvailability.Everywhere(document, compilation, at) : ShutdownAvailability.Has(compilation)) ? CloseMode.Bcl
                : null;
        }

        private static FixEnvironment Environment(Document document, Compilation compilation, TextSpan at) => new FixEnvironment(
            ShutdownAvailability.Everywhere(document, compilation, at),
            document.Project.AnalyzerReferences.Any(r => r.FullPath != null
                && System.IO.Path.GetFileNameWithoutExtension(r.FullPath).StartsWith("Microsoft.VisualStudio.Threading.Analyzers", System.StringComparison.OrdinalIgnoreCase)),
            type => ShutdownAvailability.TokenFlushEverywhere(document, type));

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CloseMode mode, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var insertion = new StatementInsertion();
            var compilation = editor.SemanticModel.Compilation;
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                // The BCL close only where every framework that compiles the diagnostic's line has ShutdownAsync.
                var at = diagnostic.Location.SourceSpan;
                if (mode == CloseMode.Bcl && !ShutdownAvailability.Everywhere(document, compilation, at))
                {
                    continue;
                }

                var environment = Environment(document, compilation, at);
                CloseInsertion.TryPlan(editor.OriginalRoot, editor.SemanticModel, editor.Generator, diagnostic, mode, environment, insertion, cancellationToken);
            }

            insertion.ApplyTo(editor);
            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }
    }
}
