// TLS003 fixes. The default (one key for both shapes, the one dotnet format applies): filter a close's catch with
// TlsErrors.IsBenign (with the runtime) or on the benign types (without), rethrow a read loop's error. In
// cleanup code a last catch reports what is not benign through Trace instead of letting it escape Dispose.
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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwallowedCloseErrorFixer))]
    [Shared]
    public sealed class SwallowedCloseErrorFixer : CodeFixProvider
    {
        /// <summary>The default fix of both shapes (dotnet format applies one key per rule).</summary>
        public const string DefaultKey = "TLS003.HandleCloseErrors";

        /// <summary>The alternative where the runtime is referenced: catch only the benign types.</summary>
        public const string NarrowKey = "TLS003.NarrowToBenignTypes";

        // The benign types of a close (see TlsErrors): a reset or closed transport surfaces as IOException
        // (SocketException inside), a stream already closed as ObjectDisposedException.
        private static readonly ImmutableArray<string> BenignTypeNames = ImmutableArray.Create("System.IO.IOException", "System.ObjectDisposedException");

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.SwallowedCloseError);

        public override FixAllProvider GetFixAllProvider() => LinkedFileFixAllProvider.ForDocuments(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, FixAllKeys.Resolve(context.CodeActionEquivalenceKey, DefaultKey, NarrowKey), context.CancellationToken).ConfigureAwait(false));

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
                var catchClause = FindCatch(root, diagnostic);
                if (catchClause == null)
                {
                    continue;
                }

                var document = context.Document;
                foreach (var key in new[] { DefaultKey, NarrowKey })
                {
                    var fix = Plan(model, catchClause, diagnostic, key);
                    if (fix != null && Rewrite(model, SyntaxGenerator.GetGenerator(document), catchClause, diagnostic, key) != null)
                    {
                        context.RegisterCodeFix(
                            CodeAction.Create(Title(fix.Value, AsyncContext.IsCleanup(catchClause.Parent!)), ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), key, ct), key),
                            diagnostic);
                    }
                }
            }
        }

        private enum Fix
        {
            Filter,
            BclFilter,
            Narrow,
            Rethrow,
        }

        /// <summary>What a key does for this diagnostic: the default is the TlsErrors.IsBenign filter with the runtime, a
        /// filter on the benign types without it (one catch, one body), the rethrow in a read loop; the alternative is
        /// one catch clause per benign type.</summary>
        private static Fix? Plan(SemanticModel model, CatchClauseSyntax catchClause, Diagnostic diagnostic, string key)
        {
            var shape = diagnostic.Properties.TryGetValue(SwallowedCloseErrorAnalyzer.ShapeProperty, out var value) ? value : null;
            var runtime = model.Compilation.GetTypeByMetadataName("CloseNotify.TlsErrors") != null;
            return (key, shape) switch
            {
                (DefaultKey, SwallowedCloseErrorAnalyzer.ReadLoopShape) => Fix.Rethrow,
                (DefaultKey, SwallowedCloseErrorAnalyzer.CloseShape) => runtime ? Fix.Filter : Fix.BclFilter,
                (NarrowKey, SwallowedCloseErrorAnalyzer.CloseShape) => Fix.Narrow,
                _ => null,
            };
        }

        // Titles say what is caught and whether anything can escape; none of these fixes waits for anything.
        private static string Title(Fix fix, bool cleanup) => (fix, cleanup) switch
        {
            (Fix.Filter, false) => "Ignore only benign close errors (TlsErrors.IsBenign); others propagate",
            (Fix.Filter, true) => "Ignore only benign close errors (TlsErrors.IsBenign); report others through Trace, never throw from cleanup",
            (Fix.BclFilter, false) => "Ignore only a peer gone or a stream closed (filter on IOException, ObjectDisposedException); others propagate",
            (Fix.BclFilter, true) => "Ignore only a peer gone or a stream closed (filter on IOException, ObjectDisposedException); report others through Trace",
            (Fix.Narrow, false) => "Catch only IOException and ObjectDisposedException; others propagate",
            (Fix.Narrow, true) => "Catch only IOException and ObjectDisposedException; report others through Trace, never throw from cleanup",
            _ => "Rethrow, so that a truncated stream is not taken for its end",
        };

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string key, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in diagnostics)
            {
                var catchClause = FindCatch(editor.OriginalRoot, diagnostic);
                var replacement = catchClause == null ? null : Rewrite(editor.SemanticModel, editor.Generator, catchClause, diagnostic, key);
                if (catchClause != null && replacement != null)
                {
                    if (replacement.Count == 1)
                    {
                        editor.ReplaceNode(catchClause, replacement[0]);
                    }
                    else
                    {
                        editor.InsertAfter(catchClause, replacement.Skip(1));
                        editor.ReplaceNode(catchClause, replacement[0]);
                    }
                }
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private static CatchClauseSyntax? FindCatch(SyntaxNode root, Diagnostic diagnostic) =>
            root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<CatchClauseSyntax>();

        /// <summary>The catch clauses that replace <paramref name="catchClause"/>, or null when this fix does not apply.</summary>
        private static IReadOnlyList<CatchClauseSyntax>? Rewrite(SemanticModel model, SyntaxGenerator generator, CatchClauseSyntax catchClause, Diagnostic diagnostic, string key)
        {
            var clauses = Plan(model, catchClause, diagnostic, key) switch
            {
                Fix.Filter => AddBenignFilter(model, generator, catchClause, bcl: false),
                Fix.BclFilter => AddBenignFilter(model, generator, catchClause, bcl: true),
                Fix.Narrow => NarrowToBenignTypes(model, generator, catchClause),
                Fix.Rethrow => new[] { Rethrow(catchClause) },
                _ => null,
            };
            if (clauses == null || Plan(model, catchClause, diagnostic, key) == Fix.Rethrow
                || catchClause.Parent is not TryStatementSyntax tryStatement || !AsyncContext.IsCleanup(tryStatement)
                || tryStatement.Catches.Last() != catchClause)
            {
                return clauses;
            }

            // Cleanup must not throw, and TLS003 is about not hiding errors: what is not benign is reported, not rethrown.
            return clauses.Concat(new[] { TraceClause(model, generator, catchClause) }).ToList();
        }

        private static IReadOnlyList<CatchClauseSyntax>? AddBenignFilter(SemanticModel model, SyntaxGenerator generator, CatchClauseSyntax catchClause, bool bcl)
        {
            var tlsErrors = model.Compilation.GetTypeByMetadataName("CloseNotify.TlsErrors");
            var exception = model.Compilation.GetTypeByMetadataName("System.Exception");
            if ((tlsErrors == null && !bcl) || exception == null)
            {
                return null;
            }

            var declaration = catchClause.Declaration;
            var name = declaration != null && !declaration.Identifier.IsKind(SyntaxKind.None)
                ? declaration.Identifier.ValueText
                : FreshNames.Exception(model, catchClause);
            var type = declaration?.Type ?? ((TypeSyntax)generator.TypeExpression(exception)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);

            // What ended the clause's header (usually the line break before the block) now ends the filter.
            var headerEnd = declaration?.GetTrailingTrivia() ?? catchClause.CatchKeyword.TrailingTrivia;
            var newDeclaration = SyntaxFactory.CatchDeclaration(type.WithoutTrivia(), SyntaxFactory.Identifier(name))
                .WithLeadingTrivia(declaration?.GetLeadingTrivia() ?? default)
                .WithTrailingTrivia(SyntaxFactory.Space);
            var caught = declaration == null ? exception : model.GetTypeInfo(declaration.Type).Type;
            var isBenign = bcl
                // Wait() wraps the task's error in an AggregateException: look inside where one may be caught.
                ? new CloseStatements(model.Compilation, generator).BenignTypesFilter(
                    SyntaxFactory.IdentifierName(name), outer: caught?.Name != "AggregateException", inner: caught?.Name != "SystemException")
                : SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        ((ExpressionSyntax)generator.TypeExpression(tlsErrors!)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation),
                        SyntaxFactory.IdentifierName("IsBenign")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(name)))));
            var filter = SyntaxFactory.CatchFilterClause(isBenign).WithTrailingTrivia(headerEnd);
            var keyword = declaration == null ? catchClause.CatchKeyword.WithTrailingTrivia(SyntaxFactory.Space) : catchClause.CatchKeyword;
            return new[] { catchClause.WithCatchKeyword(keyword).WithDeclaration(newDeclaration).WithFilter(filter) };
        }

        private static IReadOnlyList<CatchClauseSyntax>? NarrowToBenignTypes(SemanticModel model, SyntaxGenerator generator, CatchClauseSyntax catchClause)
        {
            var caught = catchClause.Declaration == null ? null : model.GetTypeInfo(catchClause.Declaration.Type).Type;
            if (caught?.Name == "AggregateException" || catchClause.Parent is not TryStatementSyntax tryStatement)
            {
                // Wait() wraps the benign errors in AggregateException: narrowing would let them escape.
                return null;
            }

            var earlier = tryStatement.Catches.TakeWhile(c => c != catchClause)
                .Where(c => c.Filter == null && c.Declaration != null)
                .Select(c => model.GetTypeInfo(c.Declaration!.Type).Type)
                .Where(t => t != null)
                .ToList();
            var types = BenignTypeNames
                .Select(model.Compilation.GetTypeByMetadataName)
                .Where(t => t != null && !earlier.Any(e => InheritsFrom(t, e!)))
                .ToList();
            if (types.Count == 0)
            {
                return null;
            }

            return types.Select((type, index) =>
            {
                var typeSyntax = ((TypeSyntax)generator.TypeExpression(type!)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
                // A bare `catch` ends its header on the keyword: that line break now follows the declaration.
                var headerEnd = catchClause.Declaration?.GetTrailingTrivia() ?? catchClause.CatchKeyword.TrailingTrivia;
                var clause = catchClause
                    .WithCatchKeyword(catchClause.Declaration == null ? catchClause.CatchKeyword.WithTrailingTrivia() : catchClause.CatchKeyword)
                    .WithDeclaration(SyntaxFactory.CatchDeclaration(typeSyntax).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(headerEnd))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return index == 0 ? clause : clause.WithLeadingTrivia(SyntaxFactory.ElasticMarker);
            }).ToList();
        }

        /// <summary><c>catch (Exception e) { Trace.TraceError(...); }</c>, the last clause of a try in cleanup code.</summary>
        private static CatchClauseSyntax TraceClause(SemanticModel model, SyntaxGenerator generator, CatchClauseSyntax catchClause)
        {
            var name = FreshNames.Exception(model, catchClause);
            var trace = ((ExpressionSyntax)generator.TypeExpression(model.Compilation.GetTypeByMetadataName("System.Diagnostics.Trace")!))
                .WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
            var call = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, trace, SyntaxFactory.IdentifierName("TraceError")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                {
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("TLS close failed: {0}"))),
                    SyntaxFactory.Argument(SyntaxFactory.IdentifierName(name)),
                }))));
            var exception = ((TypeSyntax)generator.TypeExpression(model.Compilation.GetTypeByMetadataName("System.Exception")!)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
            return SyntaxFactory.CatchClause(SyntaxFactory.CatchDeclaration(exception, SyntaxFactory.Identifier(name)), null, SyntaxFactory.Block(call))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>The swallowing statements give way to <c>throw;</c>; their comments stay.</summary>
        private static CatchClauseSyntax Rethrow(CatchClauseSyntax catchClause)
        {
            var block = catchClause.Block;
            var statements = block.Statements;
            var rethrow = SyntaxFactory.ThrowStatement();
            if (statements.Count > 0)
            {
                rethrow = rethrow.WithLeadingTrivia(statements.First().GetLeadingTrivia()).WithTrailingTrivia(statements.Last().GetTrailingTrivia());
            }

            return catchClause.WithBlock(block.WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(rethrow.WithAdditionalAnnotations(Formatter.Annotation))));
        }

        private static bool InheritsFrom(ITypeSymbol? type, ITypeSymbol baseType)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
