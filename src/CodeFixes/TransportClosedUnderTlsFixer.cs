// TLS004 fix: close the TLS stream before its transport. Async code: the runtime's graceful close (close_notify,
// bounded drain) or, BCL only, ShutdownAsync then Dispose; synchronous code and fields: TlsClose.Notify (no drain, null-safe),
// or, BCL only, Dispose the TLS stream first (no blocking drain).
using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TransportClosedUnderTlsFixer))]
    [Shared]
    public sealed class TransportClosedUnderTlsFixer : CodeFixProvider
    {
        public const string CloseFirstKey = "TLS004.CloseTlsFirst";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.TransportClosedUnderTls);

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
                if (Plan(root, model, SyntaxGenerator.GetGenerator(context.Document), diagnostic) is not { } plan)
                {
                    continue;
                }

                var document = context.Document;
                var name = diagnostic.Properties[TransportClosedUnderTlsAnalyzer.NameProperty];
                context.RegisterCodeFix(
                    CodeAction.Create($"Close '{name}' before its transport", ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), ct), CloseFirstKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var insertion = new StatementInsertion();
            var closed = new HashSet<(SyntaxNode Member, string Name)>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                // Two transports closed in a row (the stream, then the client) need the TLS stream closed once, before the first.
                if (Plan(editor.OriginalRoot, editor.SemanticModel, editor.Generator, diagnostic) is { } plan
                    && closed.Add((plan.Member, diagnostic.Properties[TransportClosedUnderTlsAnalyzer.NameProperty]!)))
                {
                    foreach (var statement in plan.Close)
                    {
                        insertion.Before(plan.Anchor, statement);
                    }
                }
            }

            insertion.ApplyTo(editor);
            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private sealed class ClosePlan
        {
            public ClosePlan(StatementSyntax anchor, SyntaxNode member, IReadOnlyList<StatementSyntax> close)
            {
                Anchor = anchor;
                Member = member;
                Close = close;
            }

            public StatementSyntax Anchor { get; }

            public SyntaxNode Member { get; }

            public IReadOnlyList<StatementSyntax> Close { get; }
        }

        private static ClosePlan? Plan(SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(TransportClosedUnderTlsAnalyzer.NameProperty, out var name) || name == null)
            {
                return null;
            }

            // A transport disposed at the end of its using is reported at its declaration: there is no call to put the close
            // in front of (the TLS stream does not exist yet where the transport is declared).
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is VariableDeclaratorSyntax)
            {
                return null;
            }

            var anchor = node.FirstAncestorOrSelf<StatementSyntax>();
            var member = node.FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
            if (anchor == null || member == null || !StatementInsertion.CanInsertBefore(anchor)
                || anchor.Ancestors().TakeWhile(a => a != member).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                return null;
            }

            var isField = properties[TransportClosedUnderTlsAnalyzer.EntityProperty] == "Field";
            var typed = properties[TransportClosedUnderTlsAnalyzer.TypedProperty] == "SslStream";
            var stream = isField && !(model.LookupSymbols(anchor.SpanStart, name: name).FirstOrDefault() is IFieldSymbol)
                ? (ExpressionSyntax)MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ThisExpression(), IdentifierName(name))
                : IdentifierName(name);
            var isAsync = AsyncContext.AllowsAwait(anchor);
            var configureAwait = isAsync && AsyncContext.UsesConfigureAwaitFalse(anchor);
            // With the runtime, the TLS001 fixes' own call (CloseStatements): the graceful close awaited in async code;
            // elsewhere, and for a field that may be null where the transport is closed, Notify (close_notify within a
            // short bound, no drain, null accepted, never throws; TLS001 sees a TLS close, not a bare Dispose).
            var closes = new CloseStatements(model.Compilation, generator);
            if (closes.TlsClose != null)
            {
                var call = closes.RuntimeCall(stream, graceful: true, canAwait: isAsync && !isField, configureAwait);
                return new ClosePlan(anchor, member, new[] { (StatementSyntax)ExpressionStatement(call) });
            }

            var dispose = isField
                ? ExpressionStatement(ConditionalAccessExpression(stream, InvocationExpression(MemberBindingExpression(IdentifierName("Dispose")))))
                : ExpressionStatement(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, stream, IdentifierName("Dispose"))));
            // netstandard2.0 and net462 reference surfaces have no ShutdownAsync: there, only the Dispose.
            var canShutdown = ShutdownAvailability.Has(model.Compilation);
            if (isAsync && !isField && typed && canShutdown)
            {
                return new ClosePlan(anchor, member, new[] { Awaited(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, stream, IdentifierName("ShutdownAsync"))), configureAwait), dispose });
            }

            return new ClosePlan(anchor, member, new[] { dispose });
        }

        private static StatementSyntax Awaited(ExpressionSyntax call, bool configureAwait)
        {
            if (configureAwait)
            {
                call = InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, call, IdentifierName("ConfigureAwait")),
                    ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
            }

            return ExpressionStatement(AwaitExpression(call));
        }
    }
}
