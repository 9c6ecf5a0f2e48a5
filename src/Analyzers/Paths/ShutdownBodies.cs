using System;
using System.Collections.Concurrent;
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
    /// trigger is that call (a name test rejects every other invocation), so members without one cost nothing more.
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
                var marked = new ConcurrentDictionary<SyntaxNode, bool>();
                start.RegisterOperationAction(
                    c =>
                    {
                        var invocation = (IInvocationOperation)c.Operation;
                        if (invocation.TargetMethod.Name == "ShutdownAsync"
                            && lookups.Get(c.CancellationToken).Symbols is { } symbols && symbols.IsShutdown(invocation.TargetMethod))
                        {
                            marked.TryAdd(OperationHelpers.RootOf(invocation).Syntax, true);
                        }
                    },
                    OperationKind.Invocation);

                // The driver runs a member's operation actions before its block actions: the mark is there by now. Reported
                // from the block, the diagnostics are local to it (live in the IDE, fixable one by one).
                start.RegisterOperationBlockAction(block =>
                {
                    foreach (var operationBlock in block.OperationBlocks)
                    {
                        var root = OperationHelpers.RootOf(operationBlock);
                        if (marked.TryRemove(root.Syntax, out _) && lookups.Get(block.CancellationToken).Symbols is { } symbols)
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
