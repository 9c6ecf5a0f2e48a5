using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Cost
{
    /// <summary>
    /// The .editorconfig and .globalconfig files of a compilation (its /analyzerconfig: arguments), read as the compiler
    /// reads them: options per source path for analyzers and generators, severities per tree and global, and
    /// <c>generated_code</c>. (The compiler's own providers are internal; these do the same through the public
    /// <see cref="AnalyzerConfigSet"/>.)
    /// </summary>
    internal sealed class ConfigOptions : AnalyzerConfigOptionsProvider
    {
        private readonly AnalyzerConfigSet set;
        private readonly ConcurrentDictionary<string, AnalyzerConfigOptionsResult> byPath = new ConcurrentDictionary<string, AnalyzerConfigOptionsResult>();

        /// <param name="paths">The configuration files as the build named them (sections match the build's paths).</param>
        /// <param name="read">Where to read each one (the capture's copy).</param>
        public ConfigOptions(IEnumerable<string> paths, System.Func<string, string> read)
        {
            var configs = paths.Select(p => AnalyzerConfig.Parse(SourceText.From(File.ReadAllText(read(p))), p)).ToList();
            set = AnalyzerConfigSet.Create(configs);
            GlobalOptions = new Options(set.GlobalConfigOptions.AnalyzerOptions);
            TreeOptions = new SeverityOptions(this);
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        /// <summary>For <see cref="Microsoft.CodeAnalysis.CompilationOptions.SyntaxTreeOptionsProvider"/>.</summary>
        public SyntaxTreeOptionsProvider TreeOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(Result(tree.FilePath).AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(Result(textFile.Path).AnalyzerOptions);

        private AnalyzerConfigOptionsResult Result(string path) => byPath.GetOrAdd(path, p => set.GetOptionsForSourcePath(p));

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly ImmutableDictionary<string, string> values;

            public Options(ImmutableDictionary<string, string> values) => this.values = values;

            public override IEnumerable<string> Keys => values.Keys;

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }

        private sealed class SeverityOptions : SyntaxTreeOptionsProvider
        {
            private readonly ConfigOptions owner;

            public SeverityOptions(ConfigOptions owner) => this.owner = owner;

            public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) =>
                owner.Result(tree.FilePath).AnalyzerOptions.TryGetValue("generated_code", out var value) && bool.TryParse(value, out var generated)
                    ? (generated ? GeneratedKind.MarkedGenerated : GeneratedKind.NotGenerated)
                    : GeneratedKind.Unknown;

            public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
                owner.Result(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

            public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
                owner.set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
        }
    }
}
