using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Cost
{
    /// <summary>
    /// Loads analyzer and generator assemblies the way the compiler does: each folder in a load context of its own
    /// (two builds of CloseNotify.Analyzers, same name and version, side by side for the A/B mode), the compiler's
    /// assemblies and the framework shared from the harness's own context.
    /// </summary>
    internal sealed class AnalyzerLoading
    {
        private readonly ConcurrentDictionary<string, FolderContext> contexts = new ConcurrentDictionary<string, FolderContext>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, ImmutableArray<ISourceGenerator>> generators = new ConcurrentDictionary<string, ImmutableArray<ISourceGenerator>>(StringComparer.Ordinal);

        /// <summary>CloseNotify's analyzers from <c>&lt;folder&gt;/CloseNotify.Analyzers.dll</c>, in rule order.</summary>
        public ImmutableArray<DiagnosticAnalyzer> CloseNotify(string folder)
        {
            var path = Path.GetFullPath(Path.Combine(folder, "CloseNotify.Analyzers.dll"));
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"no CloseNotify.Analyzers.dll in {folder}");
            }

            var reference = new AnalyzerFileReference(path, LoaderFor(path));
            var analyzers = reference.GetAnalyzers(LanguageNames.CSharp);
            if (analyzers.IsEmpty)
            {
                throw new InvalidOperationException($"{path} holds no C# analyzer");
            }

            TraceIfAsked(analyzers[0].GetType().Assembly);
            return analyzers.OrderBy(RuleOf, StringComparer.Ordinal).ToImmutableArray();
        }

        /// <summary>
        /// With COST_TRACE=1 and a profiling build of the analyzers (cost.sh's profile:REV, -p:CostProfile=true), what
        /// they report to their internal DebugTrace is printed to stderr: TLS004's phases (the end of the compilation:
        /// index, model, analysis) and, per compilation, the time and calls of TLS001's and TLS003's phases
        /// (CostProfile): where a rule's time goes, not only how much it is. A release build traces nothing.
        /// </summary>
        private static void TraceIfAsked(Assembly assembly)
        {
            if (Environment.GetEnvironmentVariable("COST_TRACE") != "1"
                || assembly.GetType("CloseNotify.Analyzers.Paths.DebugTrace")?.GetField("Sink", BindingFlags.Public | BindingFlags.Static) is not { } sink)
            {
                return;
            }

            sink.SetValue(null, new Action<string>(text => Console.Error.WriteLine($"  trace {Path.GetFileName(Path.GetDirectoryName(assembly.Location))}: {text}")));
        }

        /// <summary>The source generators of an analyzer assembly of the build (none when it holds only analyzers).</summary>
        public ImmutableArray<ISourceGenerator> Generators(string path) =>
            generators.GetOrAdd(path, p =>
            {
                var reference = new AnalyzerFileReference(p, LoaderFor(p));
                var failures = new List<string>();
                reference.AnalyzerLoadFailed += (_, e) => failures.Add(e.Message);
                var found = reference.GetGenerators(LanguageNames.CSharp);
                if (failures.Count > 0 && found.IsEmpty && reference.GetAnalyzers(LanguageNames.CSharp).IsEmpty)
                {
                    Console.Error.WriteLine($"  warning: {Path.GetFileName(p)} did not load: {failures[0]}");
                }

                return found;
            });

        /// <summary>The rule an analyzer reports (its first descriptor's ID).</summary>
        public static string RuleOf(DiagnosticAnalyzer analyzer) => analyzer.SupportedDiagnostics[0].Id;

        private Loader LoaderFor(string path) => new Loader(contexts.GetOrAdd(Path.GetDirectoryName(path)!, d => new FolderContext(d)));

        private sealed class Loader : IAnalyzerAssemblyLoader
        {
            private readonly FolderContext context;

            public Loader(FolderContext context) => this.context = context;

            public void AddDependencyLocation(string fullPath)
            {
            }

            public Assembly LoadFromPath(string fullPath) => context.LoadFromAssemblyPath(fullPath);
        }

        private sealed class FolderContext : AssemblyLoadContext
        {
            private readonly string folder;

            public FolderContext(string folder)
                : base("analyzers " + folder)
            {
                this.folder = folder;
            }

            protected override Assembly? Load(AssemblyName name)
            {
                // The compiler's assemblies and the framework are the harness's (one Roslyn in the process).
                if (name.Name is null || name.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                    || name.Name.StartsWith("System.", StringComparison.Ordinal) || name.Name is "System" or "mscorlib" or "netstandard")
                {
                    return null;
                }

                var beside = Path.Combine(folder, name.Name + ".dll");
                return File.Exists(beside) ? LoadFromAssemblyPath(beside) : null;
            }
        }
    }
}
