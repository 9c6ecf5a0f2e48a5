// TLS001: an SslStream that carried data is disposed with no TLS close before it.
using System.Collections.Generic;
using System.Collections.Immutable;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Two passes over the flow model (docs/architecture.md). While the driver hands it each member, the rule feeds
    /// the model and reports the streams the member owns by itself (locals nothing else sees): those diagnostics are
    /// local, live in the IDE. At the end of the compilation it reports the streams that cross methods or types
    /// (fields, wrappers, parameters, helpers): those need every body first.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DisposedWithoutCloseNotifyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: how the disposal happens (a <see cref="DisposalKind"/> name).</summary>
        public const string KindProperty = "Kind";

        /// <summary>Diagnostic property: the variable, field, property or parameter to close.</summary>
        public const string NameProperty = "Name";

        /// <summary>Diagnostic property: "Local", "Parameter", "Field" or "Property".</summary>
        public const string EntityProperty = "Entity";

        /// <summary>Diagnostic property: the simple name the fix closes (the stream, not a reader over it).</summary>
        public const string TargetProperty = "Target";

        /// <summary>Diagnostic property: "SslStream" when the target is declared as one, "Stream" when a type test is needed.</summary>
        public const string TypedProperty = "Typed";

        /// <summary>Diagnostic property: where the stream comes from (the message's origin clause). Two diagnostics with the
        /// same origin in one block name the same stream: a close the fix puts before the first covers the second.</summary>
        public const string OriginProperty = "Origin";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.DisposedWithoutCloseNotify, Descriptors.DisposedWithoutCloseNotifyAcrossMethods);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (!TlsGate.MayHoldSslStream(start.Compilation, start.CancellationToken))
                {
                    return;
                }

                // Symbols are looked up at the first body, not here (see PerCompilation).
                var compilation = start.Compilation;
                var options = start.Options;
                var flows = new PerCompilation<CompilationFlowHolder>(_ =>
                {
                    long stamp = 0;
                    CostProfile.Start(ref stamp);
                    var holder = new CompilationFlowHolder(CompilationFlow.For(compilation, options));
                    CostProfile.Stop("TLS001 flow state", stamp);
                    return holder;
                });
                // The driver walks every body once for all analyzers; the model reads the operations it hands over. (A walk
                // of our own, or per-body registrations, cost several times the rest of the rule: measured, see docs/corpus.md.)
                start.RegisterOperationAction(
                    c =>
                    {
                        long stamp = 0;
                        CostProfile.Start(ref stamp);
                        if (flows.Get(c.CancellationToken).Flow is { } flow)
                        {
                            flow.Record(c.Operation, c.ContainingSymbol);
                        }

                        CostProfile.Stop("TLS001 op " + c.Operation.Kind, stamp);
                    },
                    BodyFactCollector.Kinds);

                // The driver runs a member's operation actions before its block actions, so the body's facts are complete
                // here; reported from the block, these diagnostics stay local to it (live in the IDE).
                start.RegisterOperationBlockAction(block =>
                {
                    long stamp = 0;
                    CostProfile.Start(ref stamp);
                    if (flows.Get(block.CancellationToken).Flow is not { } flow)
                    {
                        return;
                    }

                    foreach (var root in block.OperationBlocks)
                    {
                        if (flow.FactsOf(root) is { HasTlsLocals: true } facts)
                        {
                            AnalyzeOwnLocals(flow, block.OwningSymbol, facts.Root, block.ReportDiagnostic, block.CancellationToken);
                        }
                    }

                    CostProfile.Stop("TLS001 block", stamp);
                });
                start.RegisterCompilationEndAction(end =>
                {
                    if (flows.Get(end.CancellationToken).Flow is { } flow)
                    {
                        long stamp = 0;
                        CostProfile.Start(ref stamp);
                        flow.Model(end.CancellationToken);
                        CostProfile.Stop("TLS001 end: model", stamp);
                        CostProfile.Start(ref stamp);
                        foreach (var diagnostic in flow.AcrossMethodsDiagnostics(end.CancellationToken))
                        {
                            end.ReportDiagnostic(diagnostic);
                        }

                        CostProfile.Stop("TLS001 end: across methods", stamp);
                    }

                    CostProfile.Flush("TLS001 end");
                });
            });
        }

        /// <summary>The compilation's flow, or none when it cannot see SslStream (a class, for <see cref="PerCompilation{T}"/>).</summary>
        private sealed class CompilationFlowHolder
        {
            public CompilationFlowHolder(CompilationFlow? flow) => Flow = flow;

            public CompilationFlow? Flow { get; }
        }

        /// <summary>The locals each function of the member owns alone, walked path by path (TLS003 asks too: Tls001Sites).</summary>
        internal static void AnalyzeOwnLocals(CompilationFlow flow, ISymbol owner, IOperation root, System.Action<Diagnostic> report, System.Threading.CancellationToken cancellationToken)
        {
            var owned = LocalStreams.FindOwnedByFunction(flow.Symbols, root);
            if (owned.Count == 0)
            {
                return;
            }

            foreach (var (function, body) in FunctionBodies(owner, root))
            {
                if (!owned.TryGetValue(function, out var entities))
                {
                    continue;
                }

                var origins = new LocalOrigins(flow, owner, root, entities);
                var effects = new LocalEffects(flow.Symbols, flow.SelfClosing, entities, origins.CreatedType, cancellationToken);
                var sites = new SiteCollector(flow.Symbols, entities, Descriptors.DisposedWithoutCloseNotify, origins.Clause);
                new StreamFlowWalker(effects, entities, sites.Add).Run(body, default);
                foreach (var diagnostic in sites.Diagnostics())
                {
                    report(diagnostic);
                }
            }
        }

        /// <summary>The method's own body, then every lambda and local function in it, each analyzed on its own.</summary>
        private static IEnumerable<(ISymbol Function, IOperation Body)> FunctionBodies(ISymbol owner, IOperation root)
        {
            var body = OperationHelpers.BodyOf(root);
            if (body != null)
            {
                yield return (owner, body);
            }

            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IAnonymousFunctionOperation lambda:
                        yield return (lambda.Symbol, lambda.Body);
                        break;
                    case ILocalFunctionOperation { Body: { } localBody } localFunction:
                        yield return (localFunction.Symbol, localBody);
                        break;
                }
            }
        }
    }
}
