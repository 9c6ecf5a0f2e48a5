// TLS005 fix: move the write before the ShutdownAsync() it follows, where nothing in between feeds it.
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
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WriteAfterShutdownFixer))]
    [Shared]
    public sealed class WriteAfterShutdownFixer : CodeFixProvider
    {
        public const string MoveKey = "TLS005.MoveWriteBeforeShutdown";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.WriteAfterShutdown);

        public override FixAllProvider GetFixAllProvider() => LinkedFileFixAllProvider.ForDocuments(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

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
                // A write that cannot move (another block, or fed by what follows the shutdown) gets no fix: the author decides.
                if (Plan(root, model, diagnostic) == null)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Write before the TLS shutdown", ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), ct), MoveKey),
                    diagnostic);
            }
        }

        /// <summary>The write's statement and the shutdown statement to put it in front of, when the move is safe.</summary>
        private static (StatementSyntax Write, StatementSyntax Shutdown)? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax block } write || write.Expression.Span != diagnostic.Location.SourceSpan)
            {
                return null;
            }

            var index = block.Statements.IndexOf(write);
            for (var i = index - 1; i >= 0; i--)
            {
                if (block.Statements[i] is ExpressionStatementSyntax candidate && ShutsDown(model, candidate))
                {
                    var between = block.Statements.Skip(i + 1).Take(index - i - 1).ToList();
                    return FedBy(model, write, between) ? null : (write, candidate);
                }
            }

            return null;
        }

        private static bool ShutsDown(SemanticModel model, ExpressionStatementSyntax statement) =>
            statement.Expression.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()
                .Any(i => model.GetSymbolInfo(i).Symbol is IMethodSymbol { Name: "ShutdownAsync" });

        /// <summary>The write reads a variable declared or assigned between the shutdown and it: moved, it would send something else.</summary>
        private static bool FedBy(SemanticModel model, StatementSyntax write, System.Collections.Generic.List<StatementSyntax> between)
        {
            var changed = between.SelectMany(s => s.DescendantNodesAndSelf())
                .Select(n => n switch
                {
                    VariableDeclaratorSyntax declarator => model.GetDeclaredSymbol(declarator),
                    AssignmentExpressionSyntax assignment => model.GetSymbolInfo(assignment.Left).Symbol,
                    _ => null,
                })
                .Where(s => s != null)
                .ToImmutableHashSet(SymbolEqualityComparer.Default);
            var read = write.DescendantNodes().OfType<IdentifierNameSyntax>().Select(i => model.GetSymbolInfo(i).Symbol)
                .Where(s => s is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol)
                .ToImmutableHashSet(SymbolEqualityComparer.Default);
            return read.Any(changed.Contains);
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var moved = new System.Collections.Generic.HashSet<StatementSyntax>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (Plan(editor.OriginalRoot, editor.SemanticModel, diagnostic) is { } plan)
                {
                    editor.RemoveNode(plan.Write, SyntaxRemoveOptions.KeepNoTrivia);

                    // The shutdown's leading comment describes the close: it stays above the first write moved there.
                    var write = plan.Write.WithAdditionalAnnotations(Formatter.Annotation);
                    if (moved.Add(plan.Shutdown))
                    {
                        write = write.WithLeadingTrivia(plan.Shutdown.GetLeadingTrivia());
                        var indentation = plan.Write.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
                        editor.ReplaceNode(plan.Shutdown, (current, _) => current.WithLeadingTrivia(indentation));
                    }

                    editor.InsertBefore(plan.Shutdown, write);
                }
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }
    }
}
