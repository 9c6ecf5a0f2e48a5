using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
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
    /// `dotnet format analyzers` on a multi-targeted project, in process: one project per target framework, each with
    /// its own preprocessor symbols and reference assemblies, all holding the same file (linked documents: one file
    /// path). As dotnet-format's AnalyzerFormatter does, each rule in turn is analysed again on the solution the rules
    /// before it left, and its Fix All runs over the whole solution; at the end the workspace takes the solution
    /// (Workspace.TryApplyChanges, as dotnet format) and merges the per-framework texts of the file against the text it
    /// loaded (Roslyn's LinkedFileDiffMergingSession), writing "Unmerged change" conflict blocks where two frameworks'
    /// changes overlap differently (measured with the Roslyn 5.0 workspaces of the tests and of the .NET 10 SDK's dotnet format).
    /// </summary>
    internal static class MultiTargetRun
    {
        private const string FilePath = "/0/Shared.cs";

        /// <summary>A target framework: its name, preprocessor symbols and reference assemblies.</summary>
        public sealed class Target
        {
            public Target(string name, ReferenceAssemblies references, params string[] symbols)
            {
                Name = name;
                References = references;
                Symbols = symbols;
            }

            public string Name { get; }

            public ReferenceAssemblies References { get; }

            public IReadOnlyList<string> Symbols { get; }

            public override string ToString() => Name;
        }

        public static readonly Target NetStandard20 = new Target("netstandard2.0", TestReferences.NetStandard20, "NETSTANDARD", "NETSTANDARD2_0");

        // netstandard2.1's SslStream has ShutdownAsync as .NET 8's has; the .NET 8 pack stands in for its surface.
        public static readonly Target NetStandard21 = new Target("netstandard2.1", TestReferences.Net80, "NETSTANDARD", "NETSTANDARD2_1");

        public static readonly Target Net80 = new Target("net8.0", TestReferences.Net80, "NET", "NET8_0", "NET8_0_OR_GREATER");

        public static readonly Target Net100 = new Target("net10.0", TestReferences.Net80, "NET", "NET10_0", "NET8_0_OR_GREATER", "NET10_0_OR_GREATER");

        /// <summary>nats.net's four frameworks.</summary>
        public static readonly Target[] Four = { NetStandard20, NetStandard21, Net80, Net100 };

        /// <summary>The file after every rule of <paramref name="rules"/> was fixed in this order and the workspace took
        /// the result, and the solution it is in. As dotnet format, the rules' results are applied once, at the end:
        /// the workspace merges the copies of each linked file there (conflict blocks and all).</summary>
        public static async Task<(string Text, Solution Solution)> FixAsync(string source, IReadOnlyList<Target> targets, bool withRuntime, params string[] rules)
        {
            var solution = await CreateSolutionAsync(source, targets, withRuntime);
            var workspace = solution.Workspace;
            foreach (var rule in rules)
            {
                solution = await FixRuleAsync(solution, rule);
            }

            if (!workspace.TryApplyChanges(solution))
            {
                throw new InvalidOperationException("the workspace did not take the fixed solution");
            }

            solution = workspace.CurrentSolution;
            var text = await solution.Projects.First().Documents.Single().GetTextAsync();
            return (text.ToString(), solution);
        }

        /// <summary>The distinct texts of the file's copies, one per target framework (one when they agree).</summary>
        public static async Task<IReadOnlyList<string>> CopiesAsync(Solution solution)
        {
            var texts = new List<string>();
            foreach (var project in solution.Projects)
            {
                texts.Add((await project.Documents.Single().GetTextAsync()).ToString());
            }

            return texts.Distinct().ToList();
        }

        /// <summary>The compiler errors (and warnings: TreatWarningsAsErrors) of each framework's build of the file.</summary>
        public static async Task<IReadOnlyList<string>> CompilerProblemsAsync(Solution solution)
        {
            var problems = new List<string>();
            foreach (var project in solution.Projects)
            {
                var compilation = (await project.GetCompilationAsync())!;
                // CS1705: the tests reference the runtime's net8.0 build in every framework (the package tests build
                // each framework against its own build of the package).
                problems.AddRange(compilation.GetDiagnostics()
                    .Where(d => d.Id != "CS1705")
                    .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed))
                    .Select(d => $"{project.Name}: {d}"));
            }

            return problems;
        }

        /// <summary>The TLS diagnostics each framework's build of the file still reports.</summary>
        public static async Task<IReadOnlyList<string>> RemainingAsync(Solution solution, string rule)
        {
            var remaining = new List<string>();
            foreach (var project in solution.Projects)
            {
                remaining.AddRange((await DiagnosticsAsync(project, Rule(rule).Analyzer)).Select(d => $"{project.Name}: {d}"));
            }

            return remaining;
        }

        public static async Task<Solution> FixRuleAsync(Solution solution, string rule)
        {
            var (analyzer, fixer) = Rule(rule);
            var byProject = new Dictionary<ProjectId, ImmutableArray<Diagnostic>>();
            foreach (var project in solution.Projects)
            {
                byProject[project.Id] = await DiagnosticsAsync(project, analyzer);
            }

            var first = byProject.Values.SelectMany(d => d).FirstOrDefault();
            if (first == null)
            {
                return solution;
            }

            var document = solution.GetDocument(first.Location.SourceTree)!;
            var key = await DotnetFormatRun.FirstKeyAsync(document, first, fixer);
            var fixAll = new FixAllContext(document, fixer, FixAllScope.Solution, key!, new[] { rule }, new Provider(byProject), CancellationToken.None);
            var action = await fixer.GetFixAllProvider()!.GetFixAsync(fixAll);
            if (action == null)
            {
                return solution;
            }

            var operations = await action.GetOperationsAsync(CancellationToken.None);
            return operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        }

        private static (DiagnosticAnalyzer Analyzer, CodeFixProvider Fixer) Rule(string rule) => rule switch
        {
            "TLS001" => (new DisposedWithoutCloseNotifyAnalyzer(), new DisposedWithoutCloseNotifyFixer()),
            "TLS002" => (new SingleShotShutdownAnalyzer(), new SingleShotShutdownFixer()),
            "TLS003" => (new SwallowedCloseErrorAnalyzer(), new SwallowedCloseErrorFixer()),
            "TLS004" => (new TransportClosedUnderTlsAnalyzer(), new TransportClosedUnderTlsFixer()),
            "TLS005" => (new WriteAfterShutdownAnalyzer(), new WriteAfterShutdownFixer()),
            "TLS006" => (new UnboundedDrainAnalyzer(), new UnboundedDrainFixer()),
            _ => throw new ArgumentException(rule),
        };

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project, DiagnosticAnalyzer analyzer)
        {
            var compilation = (await project.GetCompilationAsync())!;
            var diagnostics = await compilation
                .WithAnalyzers(ImmutableArray.Create(analyzer), project.AnalyzerOptions)
                .GetAnalyzerDiagnosticsAsync();
            return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private static async Task<Solution> CreateSolutionAsync(string source, IReadOnlyList<Target> targets, bool withRuntime)
        {
            // The workspace's current solution is the one loaded, as in dotnet format (which applies the result once, at the end).
            var workspace = new AdhocWorkspace();
            var text = SourceText.From(source);
            var projects = new List<ProjectInfo>();
            foreach (var target in targets)
            {
                var references = await target.References.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
                if (withRuntime)
                {
                    references = references.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
                }

                var projectId = ProjectId.CreateNewId();
                var name = $"Shared({target.Name})";
                projects.Add(ProjectInfo.Create(projectId, VersionStamp.Default, name, "Shared", LanguageNames.CSharp, filePath: "/0/Shared.csproj",
                        documents: new[] { DocumentInfo.Create(DocumentId.CreateNewId(projectId), "Shared.cs", loader: TextLoader.From(TextAndVersion.Create(text, VersionStamp.Default)), filePath: FilePath) })
                    .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: target.Symbols))
                    .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
                    .WithMetadataReferences(references));
            }

            workspace.AddSolution(SolutionInfo.Create(SolutionId.CreateNewId(), VersionStamp.Default, projects: projects));
            return workspace.CurrentSolution;
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly IReadOnlyDictionary<ProjectId, ImmutableArray<Diagnostic>> _byProject;

            public Provider(IReadOnlyDictionary<ProjectId, ImmutableArray<Diagnostic>> byProject) => _byProject = byProject;

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                GetProjectDiagnosticsAsync(project, cancellationToken);

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(Of(document.Project).Where(d => d.Location.SourceTree?.FilePath == document.FilePath).ToList());

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(Of(project));

            private ImmutableArray<Diagnostic> Of(Project project) =>
                _byProject.TryGetValue(project.Id, out var diagnostics) ? diagnostics : ImmutableArray<Diagnostic>.Empty;
        }
    }
}
