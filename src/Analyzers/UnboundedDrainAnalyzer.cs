// TLS006: after ShutdownAsync(), a loop that reads the stream until its end with no timeout, cancellation or byte limit.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using CloseNotify.Analyzers.Paths;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedDrainAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the stream drained.</summary>
        public const string NameProperty = "Name";

        /// <summary>Diagnostic property: "True" when the loop only reads and discards (the runtime's close can replace it).</summary>
        public const string DiscardsProperty = "Discards";

        // Anything of these in the member bounds the wait some other way (a read timeout on the socket or stream, a
        // token source cancelled after a delay, a task given a timeout): nothing is claimed then.
        private static readonly HashSet<string> BoundingMembers = new HashSet<string>
        {
            "ReadTimeout", "ReceiveTimeout", "CancelAfter", "WaitAsync", "TimeoutAfter", "WhenAny",
        };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnboundedDrain);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            ShutdownBodies.Register(context, Analyze);
        }

        private static void Analyze(System.Action<Diagnostic> report, KnownSymbols symbols, IOperation root, NormalPaths paths, List<ShutdownSite> shutdowns)
        {
            if (root.Descendants().Any(IsBounding))
            {
                return;
            }

            foreach (var shutdown in shutdowns)
            {
                var aliases = StreamAliases.Of(root, shutdown.Stream);
                var drains = new List<(ILoopOperation Loop, IInvocationOperation Read, ISymbol Stream)>();
                var points = new List<PathPoint>();
                foreach (var loop in root.Descendants().OfType<ILoopOperation>())
                {
                    if (DrainRead(symbols, loop, aliases) is { } found && paths.TryLocate(found.Read.Syntax, out var point))
                    {
                        drains.Add((loop, found.Read, found.Stream));
                        points.Add(point);
                    }
                }

                foreach (var index in paths.Reached(shutdown.Point, points, new PathPoint[0]))
                {
                    var (loop, read, stream) = drains[index];
                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add(NameProperty, stream.Name)
                        .Add(DiscardsProperty, DrainLoops.OnlyDiscards(loop, read).ToString());
                    report(Diagnostic.Create(
                        Descriptors.UnboundedDrain, loop.Syntax.GetFirstToken().GetLocation(), properties, stream.Name + "." + read.TargetMethod.Name, stream.Name));
                }
            }
        }

        /// <summary>The one read of the loop, on the shut-down stream, with no token to stop it, when the loop ends only at the end of the stream.</summary>
        private static (IInvocationOperation Read, ISymbol Stream)? DrainRead(KnownSymbols symbols, ILoopOperation loop, HashSet<ISymbol> aliases)
        {
            IInvocationOperation? read = null;
            ISymbol? stream = null;
            foreach (var call in loop.Descendants().OfType<IInvocationOperation>())
            {
                if (call.TargetMethod.Name is "Read" or "ReadAsync" && symbols.IsUse(call.TargetMethod)
                    && OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(call.Instance)) is { } receiver && aliases.Contains(receiver))
                {
                    if (read != null)
                    {
                        return null;
                    }

                    read = call;
                    stream = receiver;
                }
            }

            // A synchronous read obeys ReadTimeout, which the code that made a field's or parameter's stream may have set
            // (at connect, in another member): only a local's stream, made or fetched here, is claimed. ReadAsync ignores it.
            if (read == null || stream == null || HasLiveToken(read) || (read.TargetMethod.Name == "Read" && !aliases.All(a => a is ILocalSymbol))
                || !DrainLoops.EndsOnlyAtEndOfStream(loop, read))
            {
                return null;
            }

            return (read, stream);
        }

        /// <summary>A CancellationToken argument other than <c>CancellationToken.None</c> or <c>default</c>.</summary>
        private static bool HasLiveToken(IInvocationOperation read)
        {
            foreach (var argument in read.Arguments)
            {
                if (argument.Parameter?.Type is { Name: "CancellationToken" } && argument.ArgumentKind == ArgumentKind.Explicit)
                {
                    var value = OperationHelpers.StripConversions(argument.Value);
                    return !(value is IDefaultValueOperation || value is IPropertyReferenceOperation { Property.Name: "None", Property.ContainingType.Name: "CancellationToken" });
                }
            }

            return false;
        }

        private static bool IsBounding(IOperation operation) => operation switch
        {
            IPropertyReferenceOperation property => BoundingMembers.Contains(property.Property.Name),
            IInvocationOperation invocation => BoundingMembers.Contains(invocation.TargetMethod.Name),
            IObjectCreationOperation { Type.Name: "CancellationTokenSource", Arguments.IsEmpty: false } => true,
            _ => false,
        };
    }
}
