// TLS006 fixes: replace the drain by the runtime's bounded graceful close, or bound it with plain BCL code (a
// CancellationTokenSource that cancels after a few seconds, or a read timeout for synchronous reads).
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
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedDrainFixer))]
    [Shared]
    public sealed class UnboundedDrainFixer : CodeFixProvider
    {
        /// <summary>The default fix, the one dotnet format applies: the runtime's bounded graceful close where the loop
        /// only discards what it reads, a bound on the reads elsewhere.</summary>
        public const string DefaultKey = "TLS006.BoundedClose";

        /// <summary>The alternative beside a graceful default: keep the loop, bound its reads.</summary>
        public const string BoundKey = "TLS006.BoundTheDrain";

        // The bound the BCL fix writes: long enough for a peer's close_notify over a slow link, short enough for a close.
        private const int DrainSeconds = 5;

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnboundedDrain);

        public override FixAllProvider GetFixAllProvider() => LinkedFileFixAllProvider.ForDocuments(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, FixAllKeys.Resolve(context.CodeActionEquivalenceKey, DefaultKey, BoundKey) == DefaultKey, context.CancellationToken).ConfigureAwait(false));

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
                var document = context.Document;
                var name = diagnostic.Properties[UnboundedDrainAnalyzer.NameProperty];
                var graceful = TryGraceful(new SyntaxEditor(root, document.Project.Solution.Workspace.Services), model, diagnostic);
                var bound = TryBound(new SyntaxEditor(root, document.Project.Solution.Workspace.Services), model, diagnostic);

                // The default first, under one key whichever form it takes here (dotnet format applies the key of the
                // first action it is offered); the bound as an alternative only beside a graceful default.
                var boundTitle = $"Bound the drain of '{name}' with a timeout";
                if (graceful || bound)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(graceful ? $"Close '{name}' with the bounded graceful close (TlsClose)" : boundTitle, ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), true, ct), DefaultKey),
                        diagnostic);
                }

                if (graceful && bound)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(boundTitle, ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), false, ct), BoundKey),
                        diagnostic);
                }
            }
        }

        // graceful: the default fix (graceful where it applies, the bound elsewhere); false: the bound alone.
        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool graceful, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                // The default: graceful where it applies, the bound elsewhere.
                _ = graceful && TryGraceful(editor, editor.SemanticModel, diagnostic) || TryBound(editor, editor.SemanticModel, diagnostic);
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private static StatementSyntax? LoopOf(SyntaxNode root, Diagnostic diagnostic) =>
            root.FindToken(diagnostic.Location.SourceSpan.Start).Parent as StatementSyntax is { } loop
            && loop is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax
                ? loop
                : null;

        /// <summary>The loop only discards what it reads: it and the shutdown before it become one bounded close
        /// (the close tolerates a shutdown already sent, so one in another block may stay).</summary>
        private static bool TryGraceful(SyntaxEditor editor, SemanticModel model, Diagnostic diagnostic)
        {
            var tlsClose = model.Compilation.GetTypeByMetadataName("CloseNotify.TlsClose");
            if (tlsClose == null || diagnostic.Properties[UnboundedDrainAnalyzer.DiscardsProperty] != "True"
                || LoopOf(editor.OriginalRoot, diagnostic) is not { Parent: BlockSyntax block } loop
                || diagnostic.Properties[UnboundedDrainAnalyzer.NameProperty] is not { } name)
            {
                return false;
            }

            var isAsync = AsyncContext.AllowsAwait(loop);
            var type = ((ExpressionSyntax)editor.Generator.TypeExpression(tlsClose)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
            ExpressionSyntax call = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, IdentifierName(isAsync ? "GracefulAsync" : "Graceful")),
                ArgumentList(SingletonSeparatedList(Argument(IdentifierName(name)))));
            if (isAsync)
            {
                if (AsyncContext.UsesConfigureAwaitFalse(loop))
                {
                    call = InvocationExpression(
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, call, IdentifierName("ConfigureAwait")),
                        ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
                }

                call = AwaitExpression(call);
            }

            var close = ExpressionStatement(call).WithTriviaFrom(loop).WithAdditionalAnnotations(Formatter.Annotation);
            var index = block.Statements.IndexOf(loop);
            var shutdown = index > 0 && block.Statements[index - 1] is ExpressionStatementSyntax previous && ShutsDown(model, previous, name) ? previous : null;
            if (shutdown != null)
            {
                editor.RemoveNode(shutdown, SyntaxRemoveOptions.KeepNoTrivia);
                close = close.WithLeadingTrivia(shutdown.GetLeadingTrivia());
            }

            editor.ReplaceNode(loop, close);
            return true;
        }

        private static bool ShutsDown(SemanticModel model, ExpressionStatementSyntax statement, string name) =>
            statement.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i =>
                i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ShutdownAsync" } access
                && access.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == name)
                && model.GetSymbolInfo(i).Symbol is IMethodSymbol);

        /// <summary>BCL only: an async read gets a token that a CancellationTokenSource cancels after a few seconds (a using
        /// statement around the loop, valid from C# 7.3 on); a synchronous read gets a read timeout on the stream.</summary>
        private static bool TryBound(SyntaxEditor editor, SemanticModel model, Diagnostic diagnostic)
        {
            if (LoopOf(editor.OriginalRoot, diagnostic) is not { } loop || diagnostic.Properties[UnboundedDrainAnalyzer.NameProperty] is not { } name)
            {
                return false;
            }

            var read = loop.DescendantNodes().OfType<InvocationExpressionSyntax>().FirstOrDefault(i =>
                i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Read" or "ReadAsync" } access
                && access.Expression is IdentifierNameSyntax { Identifier.ValueText: var receiver } && receiver == name
                || i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Read" or "ReadAsync", Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var member } } && member == name);
            if (read == null || read.ArgumentList.Arguments.Any(a => a.NameColon != null) || model.GetSymbolInfo(read).Symbol is not IMethodSymbol method)
            {
                return false;
            }

            var receiverExpression = ((MemberAccessExpressionSyntax)read.Expression).Expression;
            if (method.Name == "Read")
            {
                // SslStream.ReadTimeout is its inner stream's: a NetworkStream's socket receive timeout, which ends a blocked read.
                var timeout = ExpressionStatement(AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiverExpression.WithoutTrivia(), IdentifierName("ReadTimeout")),
                    LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(DrainSeconds * 1000))));
                if (loop.Parent is not BlockSyntax)
                {
                    return false;
                }

                editor.InsertBefore(loop, timeout.WithLeadingTrivia(loop.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia))).WithAdditionalAnnotations(Formatter.Annotation));
                return true;
            }

            var tokenSource = model.Compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
            var timeSpan = model.Compilation.GetTypeByMetadataName("System.TimeSpan");
            if (tokenSource == null || timeSpan == null || !method.Parameters.Any(p => p.Type.Name == "CancellationToken") && !HasTokenOverload(method))
            {
                return false;
            }

            var sourceName = FreshNames.Unique(model, loop, "drainTimeout");
            var token = MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(sourceName), IdentifierName("Token"));
            var arguments = read.ArgumentList.Arguments;
            var tokenIndex = method.Parameters.IndexOf(method.Parameters.FirstOrDefault(p => p.Type.Name == "CancellationToken")!);
            var newArguments = tokenIndex >= 0 && tokenIndex < arguments.Count
                ? arguments.Replace(arguments[tokenIndex], Argument(token))
                : arguments.Add(Argument(token));
            var type = (TypeSyntax)editor.Generator.TypeExpression(tokenSource).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
            var fromSeconds = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, (ExpressionSyntax)editor.Generator.TypeExpression(timeSpan).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation), IdentifierName("FromSeconds")),
                ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(DrainSeconds))))));
            var declaration = VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
                VariableDeclarator(sourceName).WithInitializer(EqualsValueClause(ObjectCreationExpression(type).WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(fromSeconds))))))));
            var boundedLoop = loop.ReplaceNode(read, read.WithArgumentList(read.ArgumentList.WithArguments(newArguments)));
            var usingStatement = UsingStatement(declaration, null, Block(boundedLoop.WithoutLeadingTrivia()))
                .WithTriviaFrom(loop)
                .WithAdditionalAnnotations(Formatter.Annotation);
            editor.ReplaceNode(loop, usingStatement);
            return true;
        }

        /// <summary>Stream.ReadAsync(byte[], int, int) has a sibling taking a CancellationToken.</summary>
        private static bool HasTokenOverload(IMethodSymbol method) =>
            method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Any(m =>
                m.Parameters.Length == method.Parameters.Length + 1 && m.Parameters.Last().Type.Name == "CancellationToken");
    }
}
