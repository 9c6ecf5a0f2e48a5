// TLS003 fixes. The default (one key for both shapes, the one dotnet format applies) never opens a throw path where an
// error must not escape: a close's catch gets the benign filter (TlsErrors.IsBenign(ex, stream) with the runtime, the
// benign types without it) and, in cleanup code or around a disposal, a last catch that reports the rest through the
// library's logger or Trace; a read loop's catch rethrows, or in cleanup code reports before it ends the loop. Letting
// the other errors propagate from cleanup code is an alternative action, not the default.
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
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(SwallowedCloseErrorFixer))]
    [Shared]
    public sealed class SwallowedCloseErrorFixer : CodeFixProvider
    {
        /// <summary>The default fix of both shapes (dotnet format applies one key per rule).</summary>
        public const string DefaultKey = "TLS003.HandleCloseErrors";

        /// <summary>The alternative for a close: catch only the benign types.</summary>
        public const string NarrowKey = "TLS003.NarrowToBenignTypes";

        /// <summary>The alternative in cleanup code: what is not benign propagates (the filter alone; a read loop rethrows).</summary>
        public const string PropagateKey = "TLS003.LetOthersPropagate";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.SwallowedCloseError);

        public override FixAllProvider GetFixAllProvider() => LinkedFileFixAllProvider.ForDocuments(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, FixAllKeys.Resolve(context.CodeActionEquivalenceKey, DefaultKey, NarrowKey, PropagateKey), context.CancellationToken).ConfigureAwait(false));

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
                if (FindCatch(root, diagnostic) is not { Parent: TryStatementSyntax tryStatement } catchClause)
                {
                    continue;
                }

                var site = new Site(model, SyntaxGenerator.GetGenerator(context.Document), catchClause, tryStatement, diagnostic, context.CancellationToken);
                var document = context.Document;
                foreach (var key in new[] { DefaultKey, NarrowKey, PropagateKey })
                {
                    if (Plan(site, key) is { } plan && Rewrite(site, plan) != null)
                    {
                        context.RegisterCodeFix(
                            CodeAction.Create(Title(plan), ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), key, ct), key),
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
            Report,
        }

        /// <summary>What a key writes at a site, and whether a last catch reports what the filter lets through.</summary>
        private readonly struct FixPlan
        {
            public FixPlan(Fix fix, bool reportRest, bool mustNotThrow)
            {
                Kind = fix;
                ReportRest = reportRest;
                MustNotThrow = mustNotThrow;
            }

            public Fix Kind { get; }

            public bool ReportRest { get; }

            public bool MustNotThrow { get; }
        }

        /// <summary>One diagnostic's catch with what the fixes need to know about it, computed once.</summary>
        private sealed class Site
        {
            public Site(SemanticModel model, SyntaxGenerator generator, CatchClauseSyntax catchClause, TryStatementSyntax tryStatement, Diagnostic diagnostic, CancellationToken cancellationToken)
            {
                Model = model;
                Generator = generator;
                Catch = catchClause;
                Try = tryStatement;
                Shape = diagnostic.Properties.TryGetValue(SwallowedCloseErrorAnalyzer.ShapeProperty, out var value) ? value : null;
                Facts = CloseTry.Of(model, tryStatement, cancellationToken);

                // Cleanup code (decided across the compilation), or a disposal the author wrapped in a catch-all: an error
                // that escapes there replaces the one being handled, breaks a using, or ends the process.
                MustNotThrow = AsyncContext.IsCleanup(tryStatement, model, cancellationToken) || (Shape == SwallowedCloseErrorAnalyzer.CloseShape && Facts.Disposes);
            }

            public SemanticModel Model { get; }

            public SyntaxGenerator Generator { get; }

            public CatchClauseSyntax Catch { get; }

            public TryStatementSyntax Try { get; }

            public string? Shape { get; }

            public CloseTry Facts { get; }

            public bool MustNotThrow { get; }

            public bool Runtime => Model.Compilation.GetTypeByMetadataName("CloseNotify.TlsErrors") != null;

            public bool IsLast => Try.Catches.Last() == Catch;
        }

        /// <summary>What a key does at a site: the default filters a close's catch (reporting the rest where nothing may
        /// escape) and rethrows a read loop's error (or reports it where nothing may escape); the alternatives catch only
        /// the benign types, or let the rest propagate from cleanup code.</summary>
        private static FixPlan? Plan(Site site, string key)
        {
            var filter = site.Runtime ? Fix.Filter : Fix.BclFilter;
            var report = site.MustNotThrow && site.IsLast;
            return (key, site.Shape) switch
            {
                (DefaultKey, SwallowedCloseErrorAnalyzer.ReadLoopShape) => new FixPlan(site.MustNotThrow ? Fix.Report : Fix.Rethrow, false, site.MustNotThrow),
                (DefaultKey, SwallowedCloseErrorAnalyzer.CloseShape) => new FixPlan(filter, report, site.MustNotThrow),
                (NarrowKey, SwallowedCloseErrorAnalyzer.CloseShape) => new FixPlan(Fix.Narrow, report, site.MustNotThrow),
                (PropagateKey, SwallowedCloseErrorAnalyzer.ReadLoopShape) when site.MustNotThrow => new FixPlan(Fix.Rethrow, false, true),
                (PropagateKey, SwallowedCloseErrorAnalyzer.CloseShape) when site.MustNotThrow => new FixPlan(filter, false, true),
                _ => null,
            };
        }

        // Titles say what is caught and whether anything can escape; none of these fixes waits for anything.
        private static string Title(FixPlan plan)
        {
            var rest = plan.ReportRest ? "report the others (logger or Trace), never throw from cleanup"
                : plan.MustNotThrow ? "others propagate, even from cleanup code"
                : "others propagate";
            return plan.Kind switch
            {
                Fix.Filter => "Ignore only benign close errors (TlsErrors.IsBenign); " + rest,
                Fix.BclFilter => "Ignore only a peer gone or a stream closed (filter on IOException, ObjectDisposedException); " + rest,
                Fix.Narrow => "Catch only IOException and ObjectDisposedException; " + rest,
                Fix.Report => "Report the read error (logger or Trace) instead of ending silently, so that a truncated stream is seen; never throw from cleanup",
                _ => plan.MustNotThrow ? "Rethrow, so that a truncated stream is not taken for its end (throws from cleanup code)" : "Rethrow, so that a truncated stream is not taken for its end",
            };
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string key, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in diagnostics)
            {
                if (FindCatch(editor.OriginalRoot, diagnostic) is not { Parent: TryStatementSyntax tryStatement } catchClause)
                {
                    continue;
                }

                var site = new Site(editor.SemanticModel, editor.Generator, catchClause, tryStatement, diagnostic, cancellationToken);
                var replacement = Plan(site, key) is { } plan ? Rewrite(site, plan) : null;
                if (replacement == null)
                {
                    continue;
                }

                if (replacement.Count > 1)
                {
                    editor.InsertAfter(catchClause, replacement.Skip(1));
                }

                editor.ReplaceNode(catchClause, replacement[0]);
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private static CatchClauseSyntax? FindCatch(SyntaxNode root, Diagnostic diagnostic) =>
            root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<CatchClauseSyntax>();

        /// <summary>The catch clauses that replace the site's catch, or null when the plan does not apply.</summary>
        private static IReadOnlyList<CatchClauseSyntax>? Rewrite(Site site, FixPlan plan)
        {
            var catches = new CloseErrorCatches(site.Model, site.Generator, site.Catch);
            var clauses = plan.Kind switch
            {
                Fix.Filter => catches.BenignFilter(site.Facts, bcl: false),
                Fix.BclFilter => catches.BenignFilter(site.Facts, bcl: true),
                Fix.Narrow => catches.NarrowToBenignTypes(site.Try),
                Fix.Rethrow => new[] { catches.Rethrow() },
                _ => new[] { catches.ReportThenBody("TLS read failed") },
            };
            if (clauses == null || !plan.ReportRest)
            {
                return clauses;
            }

            // The line break that ended the clause ends each clause now, so that the next statement keeps its place.
            var lineEnd = site.Catch.GetTrailingTrivia();
            return clauses.Select(c => c.WithTrailingTrivia(lineEnd))
                .Concat(new[] { catches.ReportRest("TLS close failed").WithTrailingTrivia(lineEnd) })
                .ToList();
        }
    }
}
