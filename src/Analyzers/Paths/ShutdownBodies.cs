using System;
using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>One <c>ShutdownAsync()</c> of a member: the stream it closes (a local, parameter or field of this) and where it runs.</summary>
    internal readonly struct ShutdownSite
    {
        public ShutdownSite(ISymbol stream, PathPoint point)
        {
            Stream = stream;
            Point = point;
        }

        public ISymbol Stream { get; }

        public PathPoint Point { get; }
    }

    /// <summary>
    /// Runs the after-shutdown rules (TLS005, TLS006) once per member that calls <c>SslStream.ShutdownAsync()</c>: the
    /// trigger is the member's text naming it (no operation action), so members without one cost a text search.
    /// </summary>
    internal static class ShutdownBodies
    {
        public static void Register(AnalysisContext context, Action<Action<Diagnostic>, KnownSymbols, IOperation, NormalPaths, List<ShutdownSite>> analyze)
        {
            context.RegisterCompilationStartAction(start =>
            {
                // A compilation that cannot hold an SslStream has nothing for these rules: register nothing.
                if (!TlsGate.MayHoldSslStream(start.Compilation, start.CancellationToken))
                {
                    return;
                }

                var compilation = start.Compilation;
                var options = start.Options;
                var lookups = new PerCompilation<Holder>(_ => new Holder(PathSymbols.For(compilation, options)));
                // No operation action: the driver would call it for every invocation of the compilation. A member can only
                // call ShutdownAsync if its text names it, and that text test is cheaper than the calls (measured on the
                // generated code base: 28-40 ms per rule for the name test alone). Reported from the block, the
                // diagnostics are local to it (live in the IDE, fixable one by one).
                start.RegisterOperationBlockAction(block =>
                {
                    foreach (var operationBlock in block.OperationBlocks)
                    {
                        var root = OperationHelpers.RootOf(operationBlock);
                        if (SourceWords.Mentions(root.Syntax, "ShutdownAsync", block.CancellationToken)
                            && lookups.Get(block.CancellationToken).Symbols is { } symbols)
                        {
                            Analyze(block.GetControlFlowGraph(operationBlock), symbols, root, block.ReportDiagnostic, analyze);
                        }
                    }
                });
            });
        }

        private static void Analyze(
            ControlFlowGraph graph, KnownSymbols symbols, IOperation root, Action<Diagnostic> report,
            Action<Action<Diagnostic>, KnownSymbols, IOperation, NormalPaths, List<ShutdownSite>> analyze)
        {
            var paths = new NormalPaths(graph);
            var shutdowns = new List<ShutdownSite>();
            foreach (var operation in root.Descendants())
            {
                if (operation is IInvocationOperation { TargetMethod.Name: "ShutdownAsync" } call && symbols.IsShutdown(call.TargetMethod)
                    && OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(call.Instance)) is { } stream
                    && paths.TryLocate(call.Syntax, out var point))
                {
                    shutdowns.Add(new ShutdownSite(stream, point));
                }
            }

            if (shutdowns.Count > 0)
            {
                analyze(report, symbols, root, paths, shutdowns);
            }
        }

        private sealed class Holder
        {
            public Holder(KnownSymbols? symbols) => Symbols = symbols;

            public KnownSymbols? Symbols { get; }
        }
    }
}
