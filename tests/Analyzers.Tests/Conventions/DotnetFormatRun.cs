using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    /// <summary>
    /// Applies a rule's fixes the way `dotnet format analyzers` does (dotnet/sdk, dotnet-format's
    /// SolutionCodeFixApplier): it registers the fixes of the first diagnostic it holds, takes the equivalence key of the
    /// first action registered (null when that diagnostic has no fix), and runs the fixer's Fix All provider over the
    /// whole solution with that key. Which diagnostic comes first is up to the analyzer driver, so the tests try each.
    /// The texts come back byte for byte (line endings included), which the markup verifier does not check.
    /// </summary>
    internal static class DotnetFormatRun
    {
        private const string FilePath = "/0/Test0.cs";

        /// <summary>The fixed text of <paramref name="source"/>, once for every diagnostic taken first.</summary>
        public static async Task<IReadOnlyList<(Diagnostic First, string? Key, string Text)>> EveryFirstAsync<TAnalyzer, TFixer>(
            string source, LanguageVersion version, bool withRuntime = true, string? editorConfig = null)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFixer : CodeFixProvider, new()
        {
            var fixer = new TFixer();
            var document = await CreateDocumentAsync(source, version, withRuntime, editorConfig);
            var diagnostics = await DiagnosticsAsync(document, new TAnalyzer(), fixer);
            var results = new List<(Diagnostic, string?, string)>();
            foreach (var first in diagnostics)
            {
                var key = await FirstKeyAsync(document, first, fixer);
                var fixAll = new FixAllContext(document, fixer, FixAllScope.Solution, key!, new[] { first.Id }, new Provider(diagnostics), CancellationToken.None);
                var action = await fixer.GetFixAllProvider()!.GetFixAsync(fixAll);
                var text = source;
                if (action != null)
                {
                    var operations = await action.GetOperationsAsync(CancellationToken.None);
                    var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
                    text = (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();
                }

                results.Add((first, key, text));
            }

            return results;
        }

        /// <summary>The fixed text when the first diagnostic of the file (in source order) is taken first: the fix a
        /// single diagnostic gets, or Fix All in the file.</summary>
        public static async Task<string> FixAsync<TAnalyzer, TFixer>(string source, LanguageVersion version, bool withRuntime = true, string? editorConfig = null)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFixer : CodeFixProvider, new()
        {
            var results = await EveryFirstAsync<TAnalyzer, TFixer>(source, version, withRuntime, editorConfig);
            return results.OrderBy(r => r.First.Location.SourceSpan.Start).First().Text;
        }

        /// <summary>Fix All over the solution with <paramref name="key"/>, whatever the first diagnostic offers.</summary>
        public static async Task<string> FixAllAsync<TAnalyzer, TFixer>(Document document, string? key)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFixer : CodeFixProvider, new()
        {
            var fixer = new TFixer();
            var diagnostics = await DiagnosticsAsync(document, new TAnalyzer(), fixer);
            var fixAll = new FixAllContext(document, fixer, FixAllScope.Solution, key!, new[] { diagnostics[0].Id }, new Provider(diagnostics), CancellationToken.None);
            var action = await fixer.GetFixAllProvider()!.GetFixAsync(fixAll);
            var operations = await action!.GetOperationsAsync(CancellationToken.None);
            var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            return (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();
        }

        /// <summary>The key of the first action the fixer offers for <paramref name="diagnostic"/>; null when it offers none.</summary>
        public static async Task<string?> FirstKeyAsync(Document document, Diagnostic diagnostic, CodeFixProvider fixer)
        {
            CodeAction? first = null;
            var context = new CodeFixContext(document, diagnostic, (a, _) => first ??= a, CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context);
            return first?.EquivalenceKey;
        }

        public static async Task<Document> CreateDocumentAsync(string source, LanguageVersion version, bool withRuntime, string? editorConfig)
        {
            var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            if (withRuntime)
            {
                references = references.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
            }

            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution
                .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Test", "Test", LanguageNames.CSharp, filePath: "/0/Test.csproj")
                    .WithParseOptions(new CSharpParseOptions(version))
                    .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                    .WithMetadataReferences(references));
            var documentId = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(documentId, "Test0.cs", SourceText.From(source), filePath: FilePath);
            if (editorConfig != null)
            {
                solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig",
                    SourceText.From("root = true\n\n[*.cs]\n" + editorConfig), filePath: "/.editorconfig");
            }

            return solution.GetDocument(documentId)!;
        }

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer, CodeFixProvider fixer)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            var diagnostics = await compilation
                .WithAnalyzers(ImmutableArray.Create(analyzer), document.Project.AnalyzerOptions)
                .GetAnalyzerDiagnosticsAsync();
            return diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> _diagnostics;

            public Provider(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
        }
    }
}
