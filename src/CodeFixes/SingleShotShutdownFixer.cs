// TLS002 fix, one for every shape under one key (dotnet format applies one key per rule): complete the ShutdownAsync
// task (await, or synchronously outside async code), or drive a single SSL_shutdown call to completion through the
// project's own P/Invoke declarations.
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
using Microsoft.CodeAnalysis.Simplification;
using Shape = CloseNotify.Analyzers.SingleShotShutdownAnalyzer.Shape;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SingleShotShutdownFixer))]
    [Shared]
    public sealed class SingleShotShutdownFixer : CodeFixProvider
    {
        public const string CompleteTaskKey = "TLS002.CompleteShutdown";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.SingleShotShutdown);

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
                var editor = new SyntaxEditor(root, context.Document.Project.Solution.Workspace.Services);
                if (!TryFix(editor, model, diagnostic))
                {
                    continue;
                }

                var isTask = ShapeOf(diagnostic) is Shape.DiscardedTask or Shape.StoredTask;
                var canAwait = AsyncContext.AllowsAwait(root.FindNode(diagnostic.Location.SourceSpan));
                var title = !isTask
                    ? "Call SSL_shutdown until the close completes (your SSL_shutdown/SSL_get_error; blocks at most 2 s)"
                    : canAwait ? "Await the TLS shutdown (waits for the close_notify write only)"
                    : AsyncContext.IsCleanup(root.FindNode(diagnostic.Location.SourceSpan)) ? "Complete the TLS shutdown within 250 ms (Dispose: a peer already gone is not an error)"
                    : "Complete the TLS shutdown synchronously (blocks until the close_notify is written)";
                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), ct), CompleteTaskKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in diagnostics)
            {
                TryFix(editor, editor.SemanticModel, diagnostic);
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private static Shape? ShapeOf(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SingleShotShutdownAnalyzer.ShapeProperty, out var value) && System.Enum.TryParse<Shape>(value, out var shape) ? shape : null;

        private static bool TryFix(SyntaxEditor editor, SemanticModel model, Diagnostic diagnostic)
        {
            var node = editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is not ExpressionSyntax expression)
            {
                return false;
            }

            switch (ShapeOf(diagnostic))
            {
                case Shape.DiscardedTask:
                    return CompleteDiscardedTask(editor, model, expression);
                case Shape.StoredTask:
                    return CompleteStoredTask(editor, expression);
                case Shape.IgnoredOpenSslResult:
                    return expression.Parent is ExpressionStatementSyntax statement && UseDriver(editor, model, statement, expression);
                case Shape.RetriedOnceOpenSsl:
                    // if (SSL_shutdown(ssl) == 0) SSL_shutdown(ssl);  =>  OpenSslShutdown.Drive(ssl);
                    return expression.FirstAncestorOrSelf<IfStatementSyntax>() is { Else: null } retry
                        && retry.Condition.Span.Contains(expression.Span)
                        && UseDriver(editor, model, retry, expression);
                default:
                    return false;
            }
        }

        private static bool CompleteDiscardedTask(SyntaxEditor editor, SemanticModel model, ExpressionSyntax task)
        {
            // `_ = task;` loses the discard along with the dropped task.
            var replaced = task.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard ? (ExpressionSyntax)discard : task;
            if (replaced.Parent is not (ExpressionStatementSyntax or ArrowExpressionClauseSyntax or LambdaExpressionSyntax))
            {
                return false;
            }

            if (replaced.Parent is ExpressionStatementSyntax statement && !AsyncContext.AllowsAwait(task) && AsyncContext.IsCleanup(task)
                && task is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ShutdownAsync" } access })
            {
                // Synchronous cleanup (Dispose): the alert written within a short bound, and a peer already gone is
                // no reason for Dispose to throw — the same close the TLS001 fix writes without the runtime.
                var close = new CloseStatements(model.Compilation, editor.Generator).BclClose(access.Expression.WithoutTrivia(), canAwait: false, configureAwait: false, cleanup: true, FreshNames.Exception(model, statement));
                editor.ReplaceNode(statement, close[0].WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation));
                return true;
            }

            editor.ReplaceNode(replaced, Complete(task.WithoutTrivia(), task).WithTriviaFrom(replaced).WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }

        private static bool CompleteStoredTask(SyntaxEditor editor, ExpressionSyntax task)
        {
            // var t = ssl.ShutdownAsync();  =>  ... followed by `await t;`
            if (task.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                || declarator.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is not { Parent: BlockSyntax or SwitchSectionSyntax } declaration)
            {
                return false;
            }

            var completion = SyntaxFactory.ExpressionStatement(Complete(SyntaxFactory.IdentifierName(declarator.Identifier.ValueText), task))
                .WithAdditionalAnnotations(Formatter.Annotation);
            editor.InsertAfter(declaration, completion);
            return true;
        }

        /// <summary><c>await task</c> where the code can await, <c>task.GetAwaiter().GetResult()</c> elsewhere.</summary>
        private static ExpressionSyntax Complete(ExpressionSyntax task, SyntaxNode context)
        {
            if (AsyncContext.AllowsAwait(context))
            {
                return SyntaxFactory.AwaitExpression(task.WithLeadingTrivia(SyntaxFactory.Space));
            }

            var getAwaiter = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task, SyntaxFactory.IdentifierName("GetAwaiter")));
            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, getAwaiter, SyntaxFactory.IdentifierName("GetResult")));
        }

        private static bool UseDriver(SyntaxEditor editor, SemanticModel model, StatementSyntax replaced, ExpressionSyntax call)
        {
            if (call is not InvocationExpressionSyntax invocation
                || OpenSslShutdownLoop.Create(model, editor.Generator, invocation, replaced.SpanStart) is not { } loop)
            {
                return false;
            }

            // The comment above the call now describes the loop.
            editor.ReplaceNode(replaced, loop.WithTriviaFrom(replaced).WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }
    }
}
