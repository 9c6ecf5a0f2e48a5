using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace CloseNotify.Analyzers.Tests
{
    /// <summary>
    /// Runs an analyzer (and its fix) the way Microsoft.CodeAnalysis.Testing does, over .NET 8 reference
    /// assemblies plus the CloseNotify runtime, so that fixed code is compiled against the real library.
    /// </summary>
    public static class Verifier<TAnalyzer, TFixer>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFixer : CodeFixProvider, new()
    {
        public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(new TAnalyzer().SupportedDiagnostics.First(d => d.Id == id));

        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new DiagnosticResult(descriptor);

        public static async Task AnalyzerAsync(string source, LanguageVersion languageVersion, params DiagnosticResult[] expected)
        {
            var test = new Test(languageVersion) { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>Analyzes <paramref name="source"/> in a project that references a second project, "Driver",
        /// built from <paramref name="librarySource"/> (a library the user's code only calls into).</summary>
        public static async Task AnalyzerWithLibraryAsync(string source, string librarySource, LanguageVersion languageVersion, params DiagnosticResult[] expected)
        {
            var test = new Test(languageVersion) { TestCode = source };
            test.TestState.AdditionalProjects["Driver"].Sources.Add(("Driver.cs", librarySource));
            test.TestState.AdditionalProjectReferences.Add("Driver");
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>Analyzes several files of one project: markup locations may be in any of them.</summary>
        public static async Task AnalyzerOnFilesAsync(LanguageVersion languageVersion, string[] sources, params DiagnosticResult[] expected)
        {
            var test = new Test(languageVersion);
            for (var i = 0; i < sources.Length; i++)
            {
                test.TestState.Sources.Add(($"File{i}.cs", sources[i]));
            }

            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>Analyzes files of one project with an .editorconfig beside them (the rules' options), and a library
        /// "Driver" built from <paramref name="librarySource"/> when there is one.</summary>
        public static async Task AnalyzerWithConfigAsync(LanguageVersion languageVersion, string editorConfig, string[] sources, string? librarySource, params DiagnosticResult[] expected)
        {
            var test = new Test(languageVersion);
            if (librarySource != null)
            {
                test.TestState.AdditionalProjects["Driver"].Sources.Add(("Driver.cs", librarySource));
                test.TestState.AdditionalProjectReferences.Add("Driver");
            }

            for (var i = 0; i < sources.Length; i++)
            {
                test.TestState.Sources.Add(($"/0/File{i}.cs", sources[i]));
            }

            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig));
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        /// <param name="compilationEnd">The diagnostic is reported at the end of the compilation (TLS001 on a stream that crosses
        /// methods): the IDE offers no lightbulb on those (dotnet/roslyn#51653), Fix All and dotnet format apply the fix.</param>
        public static async Task CodeFixAsync(string source, string fixedSource, string equivalenceKey, LanguageVersion languageVersion, int? iterations = null, bool compilationEnd = false)
        {
            var test = new Test(languageVersion)
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = equivalenceKey,
            };
            if (compilationEnd)
            {
                test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            }

            if (iterations != null)
            {
                test.NumberOfFixAllIterations = iterations;
                test.NumberOfIncrementalIterations = iterations;
            }

            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A fix test in a project that does not reference the runtime (the CloseNotify.Analyzers package
        /// alone), on <paramref name="references"/> (.NET 8 by default). A <paramref name="fixedSource"/> equal to the
        /// source checks that no fix is offered.</summary>
        public static async Task CodeFixWithoutRuntimeAsync(string source, string fixedSource, string equivalenceKey, LanguageVersion languageVersion, bool compilationEnd = false, ReferenceAssemblies? references = null, bool nullable = false, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
        {
            var test = new Test(languageVersion, withRuntime: false, nullable, outputKind)
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = equivalenceKey,
                ReferenceAssemblies = references ?? TestReferences.Net80,
            };
            if (compilationEnd)
            {
                test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            }

            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A fix test with the runtime, with Nullable enabled or a program's top-level statements.</summary>
        public static async Task CodeFixAsync(string source, string fixedSource, string equivalenceKey, LanguageVersion languageVersion, bool nullable, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary, bool compilationEnd = false)
        {
            var test = new Test(languageVersion, withRuntime: true, nullable, outputKind)
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = equivalenceKey,
            };
            if (compilationEnd)
            {
                test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            }

            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A fix test over other reference assemblies (<see cref="TestReferences.Net80WithLogging"/>, say), with the
        /// runtime unless <paramref name="withRuntime"/> is false.</summary>
        public static async Task CodeFixOnReferencesAsync(string source, string fixedSource, string equivalenceKey, LanguageVersion languageVersion, ReferenceAssemblies references, bool withRuntime = true, bool nullable = false)
        {
            var test = new Test(languageVersion, withRuntime, nullable)
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = equivalenceKey,
                ReferenceAssemblies = references,
            };
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>Fix All over several files of one project (document and project scope), or of two projects (solution).</summary>
        public static async Task FixAllAsync(string[] sources, string[] fixedSources, string equivalenceKey, LanguageVersion languageVersion, bool inTwoProjects = false, bool compilationEnd = false)
        {
            var test = new Test(languageVersion) { CodeActionEquivalenceKey = equivalenceKey };
            for (var i = 0; i < sources.Length; i++)
            {
                var project = inTwoProjects && i % 2 == 1 ? test.TestState.AdditionalProjects["Second"] : null;
                var fixedProject = inTwoProjects && i % 2 == 1 ? test.FixedState.AdditionalProjects["Second"] : null;
                if (project != null)
                {
                    project.Sources.Add(($"/Second/File{i}.cs", sources[i]));
                    project.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
                    fixedProject!.Sources.Add(($"/Second/File{i}.cs", fixedSources[i]));
                    fixedProject.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
                }
                else
                {
                    test.TestState.Sources.Add(($"/0/File{i}.cs", sources[i]));
                    test.FixedState.Sources.Add(($"/0/File{i}.cs", fixedSources[i]));
                }
            }

            if (compilationEnd)
            {
                test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            }

            // Fix All in a document does not reach the other files, nor in a project the other project.
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllInDocumentCheck;
            if (inTwoProjects)
            {
                test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllInProjectCheck;
            }
            await test.RunAsync(CancellationToken.None);
        }

        private sealed class Test : CSharpCodeFixTest<TAnalyzer, TFixer, DefaultVerifier>
        {
            private readonly LanguageVersion _languageVersion;
            private readonly bool _nullable;

            public Test(LanguageVersion languageVersion, bool withRuntime = true, bool nullable = false, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
            {
                _languageVersion = languageVersion;
                _nullable = nullable;
                ReferenceAssemblies = TestReferences.Net80;
                TestState.OutputKind = outputKind;

                // A rule with two messages (TLS003) has two descriptors: markup takes the first, and
                // tests of the second shape name its descriptor.
                MarkupOptions = MarkupOptions.UseFirstDescriptor;
                if (withRuntime)
                {
                    TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
                }
            }

            protected override ParseOptions CreateParseOptions() =>
                ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(_languageVersion);

            protected override CompilationOptions CreateCompilationOptions() =>
                ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(_nullable ? NullableContextOptions.Enable : NullableContextOptions.Disable);
        }
    }

    public static class TestReferences
    {
        /// <summary>The .NET 8 reference pack, restored by the test project's PackageDownload (no feed needed at test time).</summary>
        public static readonly ReferenceAssemblies Net80 = new ReferenceAssemblies(
            "net8.0",
            new PackageIdentity("Microsoft.NETCore.App.Ref", "8.0.0"),
            Path.Combine("ref", "net8.0"))
            .AddPackages(ImmutableArray.Create(new PackageIdentity("System.IO.Pipelines", "8.0.0")));

        /// <summary>.NET 8 with Microsoft.Extensions.Logging's ILogger (restored by the test project's PackageDownload).</summary>
        public static readonly ReferenceAssemblies Net80WithLogging = Net80
            .AddPackages(ImmutableArray.Create(new PackageIdentity("Microsoft.Extensions.Logging.Abstractions", "8.0.0")));

        /// <summary>netstandard2.0, whose SslStream has no ShutdownAsync (restored by the test project's PackageDownload).</summary>
        public static readonly ReferenceAssemblies NetStandard20 = ReferenceAssemblies.NetStandard.NetStandard20;
    }

    /// <summary>The C# versions every shape is checked under: the oldest we support and the newest.</summary>
    public static class LanguageVersions
    {
        public static IEnumerable<object[]> All => new[] { new object[] { LanguageVersion.CSharp7_3 }, new object[] { LanguageVersion.Preview } };

        /// <summary>For shapes that need C# 8 (using declarations, await using).</summary>
        public static IEnumerable<object[]> FromCSharp8 => new[] { new object[] { LanguageVersion.CSharp8 }, new object[] { LanguageVersion.Preview } };

        /// <summary>For records (C# 9).</summary>
        public static IEnumerable<object[]> FromCSharp9 => new[] { new object[] { LanguageVersion.CSharp9 }, new object[] { LanguageVersion.Preview } };

        /// <summary>For global using directives (C# 10).</summary>
        public static IEnumerable<object[]> FromCSharp10 => new[] { new object[] { LanguageVersion.CSharp10 }, new object[] { LanguageVersion.Preview } };
    }
}
