using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Cost
{
    /// <summary>
    /// A captured compilation made ready to run again and again: its texts read, references loaded, options built from
    /// the arguments and configuration files, its source generators loaded and run once (their output is what the
    /// analyzers see, as in the build). The library's own analyzers and CloseNotify's are left out; the harness adds
    /// the analyzers it measures.
    /// </summary>
    internal sealed class Replay
    {
        private readonly CSharpCommandLineArguments args;
        private readonly ImmutableArray<(string Path, SourceText Text)> sources;
        private readonly ImmutableArray<SyntaxTree> trees;
        private readonly ImmutableArray<ISourceGenerator> generators;
        private readonly ImmutableArray<AdditionalText> additionalFiles;
        private readonly ConfigOptions config;
        private ImmutableArray<SyntaxTree> generated = ImmutableArray<SyntaxTree>.Empty;

        public Replay(CapturedCompilation captured, AnalyzerLoading loading, bool concurrent)
        {
            Name = captured.Name;
            args = captured.Parse();
            var encoding = args.Encoding;
            sources = args.SourceFiles.Select(s =>
            {
                using var stream = File.OpenRead(captured.Map(s.Path));
                return (s.Path, SourceText.From(stream, encoding, args.ChecksumAlgorithm));
            }).ToImmutableArray();
            config = new ConfigOptions(args.AnalyzerConfigPaths, captured.Map);
            additionalFiles = args.AdditionalFiles.Select(a => (AdditionalText)new FileText(a.Path, captured.Map(a.Path))).ToImmutableArray();
            References = args.MetadataReferences
                .Select(r => (MetadataReference)MetadataReference.CreateFromFile(captured.Map(Path.GetFullPath(r.Reference, args.BaseDirectory!)), r.Properties))
                .ToImmutableArray();
            var options = args.CompilationOptions
                .WithConcurrentBuild(concurrent)
                .WithSyntaxTreeOptionsProvider(config.TreeOptions)
                .WithXmlReferenceResolver(new XmlFileResolver(args.BaseDirectory))
                .WithSourceReferenceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, args.BaseDirectory))
                .WithAssemblyIdentityComparer(DesktopAssemblyIdentityComparer.Default)
                .WithStrongNameProvider(new DesktopStrongNameProvider(args.KeyFileSearchPaths));
            if (options.CryptoKeyFile is { } key)
            {
                options = options.WithCryptoKeyFile(captured.Map(Path.GetFullPath(key, args.BaseDirectory!)));
            }

            Options = options;
            generators = args.AnalyzerReferences
                .Select(a => Path.GetFullPath(a.FilePath, args.BaseDirectory!))
                .Where(p => !Path.GetFileName(p).StartsWith("CloseNotify.", StringComparison.Ordinal))
                .SelectMany(p => loading.Generators(captured.Map(p)))
                .ToImmutableArray();
            trees = Parse();
        }

        public string Name { get; }

        public ImmutableArray<MetadataReference> References { get; }

        public CSharpCompilationOptions Options { get; }

        public int SourceCount => sources.Length;

        public int GeneratorCount => generators.Length;

        public int GeneratedCount => generated.Length;

        public AnalyzerOptions AnalyzerOptions => new AnalyzerOptions(additionalFiles, config);

        /// <summary>
        /// The compiler's own work, timed: parse every source, run the generators, bind, lower and emit (the assembly,
        /// its PDB and XML documentation, to memory). Fails when the replay has errors: then it is not the build's
        /// compilation. The first call also keeps the generators' output for <see cref="ForAnalysis"/>.
        /// </summary>
        public TimeSpan Compile()
        {
            var watch = Stopwatch.StartNew();
            var compilation = CSharpCompilation.Create(args.CompilationName, Parse(), References, Options);
            if (!generators.IsEmpty)
            {
                var driver = CSharpGeneratorDriver.Create(generators, additionalFiles, args.ParseOptions, config);
                driver.RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out _);
                if (generated.IsEmpty)
                {
                    generated = withGenerated.SyntaxTrees.Skip(sources.Length).ToImmutableArray();
                }

                compilation = (CSharpCompilation)withGenerated;
            }

            using var pe = new MemoryStream();
            using var pdb = new MemoryStream();
            using var xml = args.DocumentationPath != null ? new MemoryStream() : null;
            var emitOptions = args.EmitOptions;
            var result = compilation.Emit(pe, emitOptions.DebugInformationFormat == Microsoft.CodeAnalysis.Emit.DebugInformationFormat.Embedded ? null : pdb, xml, options: emitOptions);
            var elapsed = watch.Elapsed;
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"{Name}: the replay has {errors.Count} errors, so it is not the build's compilation:{Environment.NewLine}  "
                    + string.Join(Environment.NewLine + "  ", errors.Take(10)));
            }

            return elapsed;
        }

        /// <summary>A new compilation of the parsed trees and the generators' output, for one analyzer run.</summary>
        public CSharpCompilation ForAnalysis() =>
            CSharpCompilation.Create(args.CompilationName, trees.AddRange(generated), References, Options);

        private ImmutableArray<SyntaxTree> Parse() =>
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, args.ParseOptions, s.Path)).ToImmutableArray();

        private sealed class FileText : AdditionalText
        {
            private readonly string read;
            private SourceText? text;

            public FileText(string path, string read)
            {
                Path = path;
                this.read = read;
            }

            public override string Path { get; }

            public override SourceText GetText(CancellationToken cancellationToken = default) =>
                text ??= SourceText.From(File.ReadAllText(read));
        }
    }
}
