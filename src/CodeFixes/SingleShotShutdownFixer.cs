// TLS002 fix, one for every shape under one key (dotnet format applies one key per rule): complete the ShutdownAsync
// task (await it; where the code cannot await, within a bound: BoundedShutdown), bound a wait that has none, or drive a
// single SSL_shutdown call to completion through the project's own P/Invoke declarations.
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
                if (!TryFix(editor, model, diagnostic, context.CancellationToken))
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan);
                var title = ShapeOf(diagnostic) switch
                {
                    Shape.DiscardedTask or Shape.StoredTask when AsyncContext.AllowsAwait(node) => "Await the TLS shutdown (waits for the close_notify write only)",
                    Shape.DiscardedTask or Shape.StoredTask or Shape.UnboundedWait => "Complete the TLS shutdown within 250 ms (a peer already gone is not an error)",
                    _ when AsyncContext.AllowsAwait(node) => "Call SSL_shutdown until the close completes (your SSL_shutdown/SSL_get_error; awaits at most 2 s, holds no thread)",
                    _ => "Call SSL_shutdown until the close completes (your SSL_shutdown/SSL_get_error; blocks at most 2 s)",
                };
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
                TryFix(editor, editor.SemanticModel, diagnostic, cancellationToken);
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private static Shape? ShapeOf(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SingleShotShutdownAnalyzer.ShapeProperty, out var value) && System.Enum.TryParse<Shape>(value, out var shape) ? shape : null;

        private static bool TryFix(SyntaxEditor editor, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var node = editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is not ExpressionSyntax expression
                || diagnostic.Properties.ContainsKey(SingleShotShutdownAnalyzer.EventLoopProperty))
            {
                // In an event loop even the bounded retry loop would stall every other connection for up to 2 s: the
                // shutdown must be driven from the loop itself, step by step, which no local edit can write.
                return false;
            }

            switch (ShapeOf(diagnostic))
            {
                case Shape.DiscardedTask:
                    return CompleteDiscardedTask(editor, model, expression, cancellationToken);
                case Shape.StoredTask:
                    return CompleteStoredTask(editor, model, expression, cancellationToken);
                case Shape.UnboundedWait:
                    return BoundWait(editor, model, expression, cancellationToken);
                case Shape.IgnoredOpenSslResult:
                    return expression.Parent is ExpressionStatementSyntax statement && UseDriver(editor, model, statement, expression);
                case Shape.RetriedOnceOpenSsl:
                    // if (SSL_shutdown(ssl) == 0) SSL_shutdown(ssl);  =>  the bounded loop over the project's own imports
                    return expression.FirstAncestorOrSelf<IfStatementSyntax>() is { Else: null } retry
                        && retry.Condition.Span.Contains(expression.Span)
                        && UseDriver(editor, model, retry, expression);
                default:
                    return false;
            }
        }

        private static bool CompleteDiscardedTask(SyntaxEditor editor, SemanticModel model, ExpressionSyntax task, CancellationToken cancellationToken)
        {
            // `_ = task;` loses the discard along with the dropped task.
            var replaced = task.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard ? (ExpressionSyntax)discard : task;
            if (replaced.Parent is not (ExpressionStatementSyntax or ArrowExpressionClauseSyntax or LambdaExpressionSyntax))
            {
                return false;
            }

            if (AsyncContext.AllowsAwait(task))
            {
                editor.ReplaceNode(replaced, SyntaxFactory.AwaitExpression(task.WithoutTrivia().WithLeadingTrivia(SyntaxFactory.Space)).WithTriviaFrom(replaced).WithAdditionalAnnotations(Formatter.Annotation));
                return true;
            }

            // Nothing waited before: the bounded wait must not throw where the code must not (cleanup, callbacks).
            // Broken code can leave a diagnostic whose task no longer holds the call: no fix rather than an exception.
            return ShutdownCall(task) is { } shutdown && Bound(editor, model, replaced, shutdown, cancellationToken);
        }

        /// <summary>A wait with no bound (Wait(), GetAwaiter().GetResult(), Result) on ShutdownAsync in cleanup code.</summary>
        private static bool BoundWait(SyntaxEditor editor, SemanticModel model, ExpressionSyntax wait, CancellationToken cancellationToken)
        {
            // _ssl?.ShutdownAsync().Wait(): the wait is the part after ?.
            while (wait is ConditionalAccessExpressionSyntax access)
            {
                wait = access.WhenNotNull;
            }

            return wait.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(IsShutdownCall) is { } shutdown
                && Bound(editor, model, wait, shutdown, cancellationToken);
        }

        /// <summary>Puts the bounded completion of <paramref name="shutdown"/> in place of <paramref name="replaced"/>:
        /// TlsClose.Notify where the stream's disposal follows (the runtime), else Wait(250 ms), guarded unless an
        /// enclosing catch takes every error already.</summary>
        private static bool Bound(SyntaxEditor editor, SemanticModel model, ExpressionSyntax replaced, InvocationExpressionSyntax shutdown, CancellationToken cancellationToken)
        {
            var stream = ((MemberAccessExpressionSyntax?)(shutdown.Expression as MemberAccessExpressionSyntax))?.Expression;
            var conditional = shutdown.Expression is MemberBindingExpressionSyntax;
            if (conditional)
            {
                stream = shutdown.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression;
            }

            // The whole expression the statement holds (a ?. chain around the wait included).
            var whole = replaced;
            while (whole.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull == whole)
            {
                whole = access;
            }

            if (whole.Parent is ExpressionStatementSyntax statement && stream != null
                && BoundedShutdown.TryNotify(editor, model, statement, stream, cancellationToken))
            {
                return true;
            }

            var bounded = BoundedShutdown.Wait(shutdown.WithoutTrivia());
            ExpressionSyntax newWhole = whole == replaced
                ? bounded
                : whole.ReplaceNode(replaced, replaced is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } } waitCall
                    ? waitCall.WithArgumentList(BoundedShutdown.WaitArguments())
                    : bounded);
            if (BoundedShutdown.IsCaughtAnyway(model, whole))
            {
                editor.ReplaceNode(whole, newWhole.WithTriviaFrom(whole).WithAdditionalAnnotations(Formatter.Annotation));
                return true;
            }

            var streamMaybeNull = conditional || (stream != null && model.GetTypeInfo(stream, cancellationToken).Nullability.Annotation == NullableAnnotation.Annotated);
            var report = AsyncContext.IsCleanup(whole, model, cancellationToken);

            // In a subclass's Close override the shutdown is base.ShutdownAsync(): the stream is `this` to the filter.
            var filtered = stream is BaseExpressionSyntax ? SyntaxFactory.ThisExpression() : stream;
            var guard = BoundedShutdown.Guard(model, editor.Generator, whole, SyntaxFactory.ExpressionStatement(newWhole.WithoutTrivia()), filtered, streamMaybeNull, report)
                .WithAdditionalAnnotations(Formatter.Annotation);
            switch (whole.Parent)
            {
                case ExpressionStatementSyntax expressionStatement:
                    editor.ReplaceNode(expressionStatement, guard.WithTriviaFrom(expressionStatement));
                    return true;
                case ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax method }:
                    editor.ReplaceNode(method, method.WithExpressionBody(null).WithSemicolonToken(default)
                        .WithBody(SyntaxFactory.Block(guard)).WithAdditionalAnnotations(Formatter.Annotation));
                    return true;
                case ArrowExpressionClauseSyntax { Parent: LocalFunctionStatementSyntax localFunction }:
                    editor.ReplaceNode(localFunction, localFunction.WithExpressionBody(null).WithSemicolonToken(default)
                        .WithBody(SyntaxFactory.Block(guard)).WithAdditionalAnnotations(Formatter.Annotation));
                    return true;
                case LambdaExpressionSyntax lambda when lambda.ExpressionBody == whole:
                    editor.ReplaceNode(lambda, lambda.WithExpressionBody(null).WithBlock(SyntaxFactory.Block(guard)).WithAdditionalAnnotations(Formatter.Annotation));
                    return true;
                default:
                    return false;
            }
        }

        private static bool CompleteStoredTask(SyntaxEditor editor, SemanticModel model, ExpressionSyntax task, CancellationToken cancellationToken)
        {
            // var t = ssl.ShutdownAsync();  =>  ... followed by `await t;` (or its bounded wait)
            if (task.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                || declarator.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is not { Parent: BlockSyntax or SwitchSectionSyntax } declaration)
            {
                return false;
            }

            var local = SyntaxFactory.IdentifierName(declarator.Identifier.ValueText);
            StatementSyntax completion;
            if (AsyncContext.AllowsAwait(task))
            {
                completion = SyntaxFactory.ExpressionStatement(SyntaxFactory.AwaitExpression(local.WithLeadingTrivia(SyntaxFactory.Space)));
            }
            else
            {
                var stream = (ShutdownCall(task)?.Expression as MemberAccessExpressionSyntax)?.Expression;
                var wait = SyntaxFactory.ExpressionStatement(BoundedShutdown.Wait(local));
                completion = BoundedShutdown.IsCaughtAnyway(model, declaration)
                    ? wait
                    : BoundedShutdown.Guard(model, editor.Generator, declaration, wait, stream, streamMaybeNull: false, AsyncContext.IsCleanup(declaration, model, cancellationToken));
            }

            editor.InsertAfter(declaration, completion.WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }

        /// <summary>The ShutdownAsync call inside a task expression (seen through ConfigureAwait).</summary>
        private static InvocationExpressionSyntax? ShutdownCall(ExpressionSyntax task) =>
            task.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(IsShutdownCall);

        private static bool IsShutdownCall(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == "ShutdownAsync",
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText == "ShutdownAsync",
            _ => false,
        };

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
