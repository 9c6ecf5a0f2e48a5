using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace CloseNotify.Analyzers.Tests
{
    /// <summary>
    /// Code as it looks while someone types it: every test source and the demo, broken in many ways with a
    /// fixed seed, run through every analyzer and every fix. An analyzer exception (AD0001 in a user's
    /// build) or a fix exception fails the test.
    /// </summary>
    public class RobustnessTests
    {
        private const int Seed = 20261125;
        private const int VariantsPerSource = 12;

        private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
            new DisposedWithoutCloseNotifyAnalyzer(), new SingleShotShutdownAnalyzer(), new SwallowedCloseErrorAnalyzer(),
            new TransportClosedUnderTlsAnalyzer(), new WriteAfterShutdownAnalyzer(), new UnboundedDrainAnalyzer());

        private static readonly ImmutableArray<CodeFixProvider> Fixers = ImmutableArray.Create<CodeFixProvider>(
            new DisposedWithoutCloseNotifyFixer(), new SingleShotShutdownFixer(), new SwallowedCloseErrorFixer(),
            new TransportClosedUnderTlsFixer(), new WriteAfterShutdownFixer(), new UnboundedDrainFixer());

        // Fragments typed half-way: each is spliced into a source at a random statement boundary.
        private static readonly string[] PartialShapes =
        {
            "using (var s = new System.Net.Security.SslStream(",
            "using var s2 = new System.Net.Security.SslStream(null",
            "await using (",
            "try { ssl.ShutdownAsync()",
            "try { } catch (",
            "catch { } finally {",
            "x => { using (",
            "void Local() { using var s3 = ",
            "_ = ssl?.ShutdownAsync(",
            "if (SSL_shutdown(",
            "[System.Runtime.InteropServices.DllImport(\"libssl.so.3\", EntryPoint = \"SSL_shutdown\")] static extern int Q(",
            "return; } } }",
            "{ { {",
            "goto done; done:",
        };

        private readonly ITestOutputHelper _output;

        public RobustnessTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async Task Analyzers_and_fixes_never_throw_on_broken_code()
        {
            var references = (await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None))
                .Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
            var sources = CorpusSources();
            Assert.True(sources.Count >= 40, $"corpus too small: {sources.Count}");

            var random = new Random(Seed);
            var variants = new List<(string Name, string Text, bool WithReferences)>();
            foreach (var (name, text) in sources)
            {
                variants.Add((name, text, true));
                for (var i = 0; i < VariantsPerSource; i++)
                {
                    var (kind, broken) = Break(text, random);
                    variants.Add(($"{name}#{i}:{kind}", broken, random.Next(6) != 0));
                }
            }

            var failures = new ConcurrentBag<string>();
            var diagnosticsSeen = 0;
            var fixesApplied = 0;
            await Parallel.ForEachAsync(variants, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (variant, ct) =>
            {
                var (diagnostics, fixes) = await RunAsync(variant.Name, variant.Text, variant.WithReferences ? references : ImmutableArray<MetadataReference>.Empty, failures);
                Interlocked.Add(ref diagnosticsSeen, diagnostics);
                Interlocked.Add(ref fixesApplied, fixes);
            });

            _output.WriteLine($"{sources.Count} sources, {variants.Count} variants, {diagnosticsSeen} diagnostics, {fixesApplied} fix actions applied");
            Assert.True(failures.IsEmpty, string.Join(Environment.NewLine + Environment.NewLine, failures.Take(5)));
            Assert.True(diagnosticsSeen > 100, "the broken corpus should still produce diagnostics, or the test exercises nothing");
        }

        private static async Task<(int Diagnostics, int Fixes)> RunAsync(string name, string text, ImmutableArray<MetadataReference> references, ConcurrentBag<string> failures)
        {
            using var workspace = new AdhocWorkspace();
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Create(), "Broken", "Broken", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true),
                parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
                metadataReferences: references));
            var document = workspace.AddDocument(project.Id, "Broken.cs", SourceText.From(text));
            var compilation = (await document.Project.GetCompilationAsync())!;
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, _) => failures.Add($"{name}: {analyzer.GetType().Name} threw {exception}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
            foreach (var ad0001 in diagnostics.Where(d => d.Id == "AD0001"))
            {
                failures.Add($"{name}: {ad0001}");
            }

            var fixes = 0;
            foreach (var diagnostic in diagnostics.Where(d => d.Id.StartsWith("TLS", StringComparison.Ordinal)))
            {
                foreach (var fixer in Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    try
                    {
                        var actions = new List<CodeAction>();
                        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                        await fixer.RegisterCodeFixesAsync(context);
                        foreach (var action in actions)
                        {
                            foreach (var operation in await action.GetOperationsAsync(CancellationToken.None))
                            {
                                if (operation is ApplyChangesOperation apply)
                                {
                                    var changed = apply.ChangedSolution.GetDocument(document.Id)!;
                                    _ = await changed.GetTextAsync();
                                    fixes++;
                                }
                            }
                        }
                    }
                    catch (Exception exception)
                    {
                        failures.Add($"{name}: {fixer.GetType().Name} threw on {diagnostic}: {exception}");
                    }
                }
            }

            return (diagnostics.Length, fixes);
        }

        /// <summary>One broken variant: truncated, a token deleted, a brace removed or added, or a half-typed shape spliced in.</summary>
        private static (string Kind, string Text) Break(string text, Random random)
        {
            var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            switch (random.Next(5))
            {
                case 0:
                    return ("truncated", text.Substring(0, random.Next(text.Length)));
                case 1:
                {
                    var token = tokens[random.Next(tokens.Count)];
                    return ("token-deleted", text.Remove(token.SpanStart, token.Span.Length));
                }

                case 2:
                {
                    var braces = tokens.Where(t => t.IsKind(SyntaxKind.CloseBraceToken) || t.IsKind(SyntaxKind.OpenBraceToken)).ToList();
                    if (braces.Count == 0)
                    {
                        return ("truncated", text.Substring(0, text.Length / 2));
                    }

                    var brace = braces[random.Next(braces.Count)];
                    return ("unbalanced", text.Remove(brace.SpanStart, 1));
                }

                case 3:
                {
                    var token = tokens[random.Next(tokens.Count)];
                    return ("extra-brace", text.Insert(token.Span.End, random.Next(2) == 0 ? " {" : " }"));
                }

                default:
                {
                    var semicolons = tokens.Where(t => t.IsKind(SyntaxKind.SemicolonToken) || t.IsKind(SyntaxKind.OpenBraceToken)).ToList();
                    var at = semicolons.Count == 0 ? 0 : semicolons[random.Next(semicolons.Count)].Span.End;
                    return ("partial-shape", text.Insert(at, " " + PartialShapes[random.Next(PartialShapes.Length)]));
                }
            }
        }

        /// <summary>Every C# source in the rule tests (markup removed) and every file of the demo.</summary>
        private static List<(string Name, string Text)> CorpusSources()
        {
            var root = RepositoryRoot();
            var sources = new List<(string, string)>();
            // Every rule folder too (TLS001/...), their shared sources included; not the build output.
            var separator = Path.DirectorySeparatorChar;
            foreach (var file in Directory.GetFiles(Path.Combine(root, "tests", "Analyzers.Tests"), "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                if (file.EndsWith(nameof(RobustnessTests) + ".cs", StringComparison.Ordinal)
                    || file.Contains(separator + "obj" + separator, StringComparison.Ordinal)
                    || file.Contains(separator + "bin" + separator, StringComparison.Ordinal))
                {
                    continue;
                }

                var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file));
                var literals = tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>()
                    .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression))
                    .Select(l => l.Token.ValueText)
                    .Where(t => t.Contains("class ", StringComparison.Ordinal))
                    .ToList();
                for (var i = 0; i < literals.Count; i++)
                {
                    sources.Add(($"{Path.GetFileNameWithoutExtension(file)}[{i}]", StripMarkup(Usings + literals[i])));
                }
            }

            var demo = Path.Combine(root, "samples", "Demo");
            if (Directory.Exists(demo))
            {
                foreach (var file in Directory.GetFiles(demo, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                {
                    sources.Add(("Demo/" + Path.GetFileName(file), File.ReadAllText(file)));
                }
            }

            return sources;
        }

        // Test sources are concatenated with usings at run time; give the bodies theirs.
        private const string Usings = "using System; using System.IO; using System.Net.Security; using System.Net.Sockets; using System.Threading; using System.Threading.Tasks; using System.Collections.Generic; using System.Runtime.InteropServices; using CloseNotify;\n";

        private static string StripMarkup(string text) =>
            Regex.Replace(Regex.Replace(text, @"\{\|(#\d+|[A-Z]+\d+):", string.Empty), @"\|\}|\[\||\|\]", string.Empty);

        internal static string RepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Analyzers.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
