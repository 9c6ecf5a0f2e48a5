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
                var compilation = start.Compilation;
                var lookups = new PerCompilation<Holder>(_ => new Holder(KnownSymbols.TryCreate(compilation)));
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

        /// <summary>The stream and the locals that copy it in this member (<c>Stream s = ssl;</c>, <c>var ssl = _stream as SslStream;</c>, <c>_stream is SslStream ssl</c>).</summary>
        public static HashSet<ISymbol> Aliases(IOperation root, ISymbol stream)
        {
            var aliases = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { stream };
            var copies = new List<(ISymbol Target, ISymbol Source)>();
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when Copied(initializer.Value) is { } source:
                        copies.Add((declarator.Symbol, source));
                        break;
                    case IIsPatternOperation { Pattern: IDeclarationPatternOperation { DeclaredSymbol: { } declared } } pattern when Copied(pattern.Value) is { } tested:
                        copies.Add((declared, tested));
                        break;
                    case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is { } target && Copied(assignment.Value) is { } value:
                        copies.Add((target, value));
                        break;
                }
            }

            // Both ways: a copy of the stream is the stream, and so is what the stream was copied from, to a fixed point.
            var changed = true;
            while (changed)
            {
                changed = false;
                foreach (var (target, source) in copies)
                {
                    if ((target is ILocalSymbol || source is ILocalSymbol) && aliases.Contains(target) != aliases.Contains(source))
                    {
                        aliases.Add(target);
                        aliases.Add(source);
                        changed = true;
                    }
                }
            }

            return aliases;
        }

        /// <summary>The symbol a value copies as it is: <c>ssl</c>, <c>(Stream)ssl</c>, <c>_stream as SslStream</c>.</summary>
        private static ISymbol? Copied(IOperation value) => OperationHelpers.ReferencedSymbol(value);

        private sealed class Holder
        {
            public Holder(KnownSymbols? symbols) => Symbols = symbols;

            public KnownSymbols? Symbols { get; }
        }
    }
}
