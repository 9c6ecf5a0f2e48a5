// TLS004 as a real build runs it: beside TLS001, whose operation action feeds the flow model both rules read. Also the
// fix applied in a solution of one or more projects (a file built for several target frameworks), and the fixed code
// compiled.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
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
using Xunit;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    /// <summary>A project of the test solution: its reference assemblies, the runtime or not, its preprocessor symbols.</summary>
    internal sealed class TestProject
    {
        public TestProject(string name, ReferenceAssemblies references, bool withRuntime, params string[] symbols)
        {
            Name = name;
            References = references;
            WithRuntime = withRuntime;
            Symbols = symbols;
        }

        public static TestProject Net80 { get; } = new TestProject("Net80", TestReferences.Net80, withRuntime: true, "NET", "NET8_0", "NET8_0_OR_GREATER");

        public static TestProject Net80WithoutRuntime { get; } = new TestProject("Net80", TestReferences.Net80, withRuntime: false, "NET", "NET8_0", "NET8_0_OR_GREATER");

        public static TestProject NetStandard20WithoutRuntime { get; } = new TestProject("NetStandard20", TestReferences.NetStandard20, withRuntime: false, "NETSTANDARD", "NETSTANDARD2_0", "NETSTANDARD2_0_OR_GREATER");

        public string Name { get; }

        public ReferenceAssemblies References { get; }

        public bool WithRuntime { get; }

        public string[] Symbols { get; }
    }

    internal static class WithFlowModel
    {
        private const string FilePath = "/0/Code.cs";
        private static readonly Regex Markup = new Regex(@"\{\|TLS004:(.*?)\|\}", RegexOptions.Singleline);

        /// <summary>Checks that TLS004 reports exactly the <c>{|TLS004:...|}</c> spans of <paramref name="markup"/>, with TLS001 running too.</summary>
        public static async Task AnalyzeAsync(string markup, LanguageVersion version)
        {
            var (source, expected) = Parse(markup);
            var solution = await CreateAsync(source, version, TestProject.Net80);
            var project = solution.Projects.Single();
            var actual = (await Tls004Async(project)).Select(d => d.Location.SourceSpan).OrderBy(s => s.Start).ToList();
            Assert.Equal(expected.Select(Describe(source)), actual.Select(Describe(source)));
        }

        /// <summary>Applies TLS004's fix to each of its diagnostics in the first project, one after the other (as Fix All
        /// does in a document), and returns the fixed file after checking that every project still compiles.</summary>
        public static async Task<string> FixAsync(string markup, LanguageVersion version, params TestProject[] projects)
        {
            var (source, expected) = Parse(markup);
            var solution = await CreateAsync(source, version, projects.Length == 0 ? new[] { TestProject.Net80 } : projects);
            var fixer = new TransportClosedUnderTlsFixer();
            for (var round = 0; round <= expected.Count; round++)
            {
                var project = solution.Projects.First();
                var diagnostics = await Tls004Async(project);
                if (round == 0)
                {
                    Assert.Equal(expected.Select(Describe(source)), diagnostics.Select(d => d.Location.SourceSpan).OrderBy(s => s.Start).Select(Describe(source)));
                }

                var document = project.Documents.Single();
                CodeAction? action = null;
                foreach (var diagnostic in diagnostics)
                {
                    var context = new CodeFixContext(document, diagnostic, (a, _) => action ??= a.EquivalenceKey == TransportClosedUnderTlsFixer.CloseFirstKey ? a : null, CancellationToken.None);
                    await fixer.RegisterCodeFixesAsync(context);
                    if (action != null)
                    {
                        break;
                    }
                }

                if (action == null)
                {
                    break;
                }

                foreach (var operation in await action.GetOperationsAsync(CancellationToken.None))
                {
                    if (operation is ApplyChangesOperation apply)
                    {
                        solution = apply.ChangedSolution;
                    }
                }

                // Every project that builds the file sees the fixed text.
                var text = await solution.Projects.First().Documents.Single().GetTextAsync();
                foreach (var other in solution.Projects.Skip(1).ToList())
                {
                    solution = solution.WithDocumentText(other.Documents.Single().Id, text);
                }
            }

            foreach (var project in solution.Projects)
            {
                var compilation = (await project.GetCompilationAsync())!;
                var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                Assert.True(errors.Count == 0, project.Name + ": " + string.Join(Environment.NewLine, errors));
            }

            return (await solution.Projects.First().Documents.Single().GetTextAsync()).ToString();
        }

        /// <summary>The fixed file compiled for .NET 8 with the runtime, as bytes to load and run.</summary>
        public static async Task<byte[]> EmitAsync(string source, LanguageVersion version)
        {
            var solution = await CreateAsync(source, version, TestProject.Net80);
            var compilation = (await solution.Projects.Single().GetCompilationAsync())!;
            using var stream = new System.IO.MemoryStream();
            var result = compilation.Emit(stream);
            Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            return stream.ToArray();
        }

        private static async Task<ImmutableArray<Diagnostic>> Tls004Async(Project project)
        {
            var compilation = (await project.GetCompilationAsync())!;
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new DisposedWithoutCloseNotifyAnalyzer(), new TransportClosedUnderTlsAnalyzer());
            var all = await compilation.WithAnalyzers(analyzers, project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
            Assert.DoesNotContain(all, d => d.Id == "AD0001");
            return all.Where(d => d.Id == RuleIdentifiers.TransportClosedUnderTls).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private static async Task<Solution> CreateAsync(string source, LanguageVersion version, params TestProject[] projects)
        {
            var workspace = new AdhocWorkspace();
            var solution = workspace.CurrentSolution;
            foreach (var project in projects)
            {
                var id = ProjectId.CreateNewId(project.Name);
                var references = (await project.References.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).ToList();
                if (project.WithRuntime)
                {
                    references.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
                }

                solution = solution
                    .AddProject(ProjectInfo.Create(id, VersionStamp.Default, project.Name, project.Name, LanguageNames.CSharp)
                        .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                        .WithParseOptions(new CSharpParseOptions(version, preprocessorSymbols: project.Symbols))
                        .WithMetadataReferences(references))
                    .AddDocument(DocumentId.CreateNewId(id), "Code.cs", SourceText.From(source), filePath: FilePath);
            }

            return solution;
        }

        private static (string Source, List<TextSpan> Spans) Parse(string markup)
        {
            var spans = new List<TextSpan>();
            var removed = 0;
            var source = Markup.Replace(markup, match =>
            {
                var start = match.Index - removed;
                spans.Add(new TextSpan(start, match.Groups[1].Length));
                removed += match.Length - match.Groups[1].Length;
                return match.Groups[1].Value;
            });
            return (source, spans);
        }

        private static Func<TextSpan, string> Describe(string source) => span => $"{span}: {source.Substring(span.Start, span.Length)}";
    }
}
