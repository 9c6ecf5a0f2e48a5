using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>The IDE path: a consumer opened through MSBuildWorkspace (as Visual Studio, Rider or C# Dev Kit open
    /// one), every code action our fixers offer at each diagnostic listed with its title and equivalence key, and each
    /// applied — not only the default `dotnet format` picks — to a solution that must still compile.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class IdePathTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public IdePathTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Theory]
        [InlineData(PackageFixture.RuntimePackage)]
        [InlineData(PackageFixture.AnalyzersPackage)]
        public async Task Every_action_offered_at_every_diagnostic_applies_and_the_result_compiles(string package)
        {
            var name = "Ide" + package.Replace(".", string.Empty, StringComparison.Ordinal);
            var consumer = _fixture.Consumer(name, f => Consumer.Create(f, name, "Drivers", Consumer.ProjectXml(
                Consumers.Net8, properties: "    <LangVersion>latest</LangVersion>\n", package: package, nullable: "enable")));
            using var timeout = new CancellationTokenSource(Limit);
            if (!MSBuildLocator.IsRegistered)
            {
                MSBuildLocator.RegisterDefaults();
            }

            using var workspace = MSBuildWorkspace.Create();
            var project = await workspace.OpenProjectAsync(Path.Combine(consumer.Directory, consumer.ProjectFile), cancellationToken: timeout.Token);
            var ours = project.AnalyzerReferences.Where(r => r.Display?.StartsWith("CloseNotify", StringComparison.Ordinal) == true).ToList();
            Assert.NotEmpty(ours);
            var fixers = LoadFixers(ours);
            Assert.Equal(6, fixers.Count); // one per rule, TLS001-TLS006

            var diagnostics = await TlsDiagnosticsAsync(project, ours, timeout.Token);
            Assert.Contains(diagnostics, d => d.Id == "TLS001");
            Assert.Contains(diagnostics, d => d.Id == "TLS002");
            Assert.Contains(diagnostics, d => d.Id == "TLS003");

            var applied = 0;
            foreach (var diagnostic in diagnostics)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                var actions = new List<CodeAction>();
                foreach (var fixer in fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), timeout.Token));
                }

                var where = $"{Path.GetFileName(diagnostic.Location.SourceTree!.FilePath)}{diagnostic.Location.GetLineSpan().StartLinePosition} {diagnostic.Id}";
                Assert.True(actions.Count > 0, $"no fix offered at {where}");
                Assert.Equal(actions.Count, actions.Select(a => a.EquivalenceKey).Distinct().Count());
                foreach (var action in actions)
                {
                    _output.WriteLine($"{where}: \"{action.Title}\" [{action.EquivalenceKey}]");
                    var changed = await ApplyAsync(action, timeout.Token);
                    var errors = (await changed.GetProject(project.Id)!.GetCompilationAsync(timeout.Token))!
                        .GetDiagnostics(timeout.Token).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    Assert.True(errors.Count == 0, $"{where} \"{action.Title}\" left errors:\n  {string.Join("\n  ", errors)}");
                    applied++;
                }
            }

            _output.WriteLine($"{diagnostics.Count} diagnostics, {applied} actions applied");
        }

        /// <summary>What the IDE's full-solution analysis reports: our analyzers, compilation-end diagnostics included.</summary>
        private static async Task<IReadOnlyList<Diagnostic>> TlsDiagnosticsAsync(Project project, IReadOnlyList<AnalyzerReference> ours, CancellationToken cancellationToken)
        {
            var compilation = (await project.GetCompilationAsync(cancellationToken))!;
            var analyzers = ours.SelectMany(r => r.GetAnalyzers(LanguageNames.CSharp)).ToImmutableArray();
            var all = await compilation.WithAnalyzers(analyzers, project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync(cancellationToken);
            return all.Where(d => d.Id.StartsWith("TLS", StringComparison.Ordinal)).OrderBy(d => d.Location.SourceTree!.FilePath).ThenBy(d => d.Location.SourceSpan.Start).ToList();
        }

        /// <summary>The fix providers of the package's analyzer assemblies, found the way the IDE finds them: by export attribute.</summary>
        private static IReadOnlyList<CodeFixProvider> LoadFixers(IEnumerable<AnalyzerReference> references) =>
            references.Select(r => r.FullPath).OfType<string>().Distinct()
                .Select(Assembly.LoadFrom)
                .SelectMany(a => a.GetTypes())
                .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() != null)
                .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
                .ToList();

        private static async Task<Solution> ApplyAsync(CodeAction action, CancellationToken cancellationToken)
        {
            var operations = await action.GetOperationsAsync(cancellationToken);
            var apply = operations.OfType<ApplyChangesOperation>().Single();
            return apply.ChangedSolution;
        }
    }
}
