// TLS005: a write on a TLS stream after its ShutdownAsync() on the same path: SslStream throws InvalidOperationException.
using System.Collections.Generic;
using System.Collections.Immutable;
using CloseNotify.Analyzers.Flow;
using CloseNotify.Analyzers.Paths;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class WriteAfterShutdownAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the stream written to.</summary>
        public const string NameProperty = "Name";

        // SslStream checks "not shut down" in its write path only (WriteAsyncInternal); Flush writes no TLS record,
        // it flushes the inner stream, so it is not reported.
        private static readonly HashSet<string> WriteNames = new HashSet<string> { "Write", "WriteAsync", "WriteByte", "BeginWrite" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.WriteAfterShutdown);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            ShutdownBodies.Register(context, Analyze);
        }

        private static void Analyze(System.Action<Diagnostic> report, KnownSymbols symbols, IOperation root, NormalPaths paths, List<ShutdownSite> shutdowns)
        {
            var reported = new HashSet<SyntaxNode>();
            foreach (var group in GroupByStream(shutdowns))
            {
                var aliases = StreamAliases.Of(root, group[0].Stream);
                var writes = new List<(IInvocationOperation Call, ISymbol Stream)>();
                var points = new List<PathPoint>();
                var stops = new List<PathPoint>();
                foreach (var operation in root.Descendants())
                {
                    switch (operation)
                    {
                        case IInvocationOperation call when WriteNames.Contains(call.TargetMethod.Name) && symbols.IsUse(call.TargetMethod)
                            && OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(call.Instance)) is { } written && aliases.Contains(written)
                            && paths.TryLocate(call.Syntax, out var point):
                            writes.Add((call, written));
                            points.Add(point);
                            break;

                        // A new stream in the variable (a reconnect) may be written to: the path of the old one ends.
                        case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is { } target && aliases.Contains(target)
                            && !(OperationHelpers.ReferencedSymbol(assignment.Value) is { } source && aliases.Contains(source))
                            && paths.TryLocate(assignment.Syntax, out var stop):
                            stops.Add(stop);
                            break;
                    }
                }

                if (writes.Count == 0)
                {
                    continue;
                }

                foreach (var shutdown in group)
                {
                    foreach (var index in paths.Reached(shutdown.Point, points, stops))
                    {
                        var (call, written) = writes[index];
                        if (reported.Add(call.Syntax))
                        {
                            var properties = ImmutableDictionary<string, string?>.Empty.Add(NameProperty, written.Name);
                            report(Diagnostic.Create(
                                Descriptors.WriteAfterShutdown, OperationHelpers.OutermostCallExpression(call).Syntax.GetLocation(), properties,
                                written.Name + "." + call.TargetMethod.Name, written.Name));
                        }
                    }
                }
            }
        }

        private static IEnumerable<List<ShutdownSite>> GroupByStream(List<ShutdownSite> shutdowns)
        {
            var groups = new Dictionary<ISymbol, List<ShutdownSite>>(SymbolEqualityComparer.Default);
            foreach (var shutdown in shutdowns)
            {
                if (!groups.TryGetValue(shutdown.Stream, out var list))
                {
                    groups.Add(shutdown.Stream, list = new List<ShutdownSite>());
                }

                list.Add(shutdown);
            }

            return groups.Values;
        }
    }
}
