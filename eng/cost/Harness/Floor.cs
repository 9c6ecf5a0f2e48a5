using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Cost
{
    /// <summary>What an analyzer registers: the kind of action, and the operation, symbol or syntax kinds it is for.</summary>
    internal sealed record Registration(string Kind, ImmutableArray<OperationKind> Operations, ImmutableArray<SymbolKind> Symbols, ImmutableArray<SyntaxKind> Syntax)
    {
        public static Registration Of(string kind) =>
            new Registration(kind, ImmutableArray<OperationKind>.Empty, ImmutableArray<SymbolKind>.Empty, ImmutableArray<SyntaxKind>.Empty);

        public override string ToString() =>
            Kind + (Operations.IsEmpty ? string.Empty : "(" + string.Join(",", Operations) + ")")
                 + (Symbols.IsEmpty ? string.Empty : "(" + string.Join(",", Symbols) + ")")
                 + (Syntax.IsEmpty ? string.Empty : "(" + string.Join(",", Syntax) + ")");
    }

    /// <summary>
    /// The floor: an analyzer that registers what one of CloseNotify's analyzers registers in a given compilation
    /// (same action kinds, same operation kinds, same descriptors) with empty callbacks. Its time is the analyzer
    /// driver's dispatch of those actions, which no implementation of the rule can go below. The registrations are
    /// not written down here: <see cref="Record"/> runs the real analyzer's <c>Initialize</c> and compilation-start
    /// actions against recording contexts, so the floor follows CloseNotify's registrations as they change (its gates
    /// included: a rule that registers nothing in a compilation has a floor that registers nothing there).
    /// Registrations made inside an operation-block or symbol start action are not followed: the floor registers the
    /// start action, empty (the conditional registrations inside are the rule's own cost).
    /// </summary>
    internal sealed class FloorAnalyzer : DiagnosticAnalyzer
    {
        private readonly Recorded recorded;

        private FloorAnalyzer(Recorded recorded, ImmutableArray<DiagnosticDescriptor> descriptors)
        {
            this.recorded = recorded;
            SupportedDiagnostics = descriptors;
        }

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

        /// <summary>The registrations, for the report: "init: ...; start: ...".</summary>
        public string Description =>
            $"{string.Join(" ", recorded.Initialize)}; at compilation start: {(recorded.Start.Count == 0 ? "nothing" : string.Join(" ", recorded.Start))}";

        /// <summary>Records what <paramref name="real"/> registers for <paramref name="compilation"/> and returns its floor.</summary>
        public static FloorAnalyzer Record(DiagnosticAnalyzer real, Compilation compilation, AnalyzerOptions options)
        {
            var recorded = new Recorded();
            var init = new RecordingContext(recorded.Initialize);
            real.Initialize(init);
            recorded.Concurrent = init.Concurrent;
            recorded.Generated = init.Generated;
            foreach (var start in init.StartActions)
            {
                start(new RecordingStartContext(recorded.Start, compilation, options));
            }

            return new FloorAnalyzer(recorded, real.SupportedDiagnostics);
        }

        public override void Initialize(AnalysisContext context)
        {
            if (recorded.Concurrent)
            {
                context.EnableConcurrentExecution();
            }

            context.ConfigureGeneratedCodeAnalysis(recorded.Generated);
            if (recorded.Initialize.FirstOrDefault(r => r.Kind != "compilationStart") is { } other)
            {
                throw new NotSupportedException($"the floor does not follow a {other} registered in Initialize (CloseNotify registers at compilation start)");
            }

            if (recorded.Initialize.Any(r => r.Kind == "compilationStart"))
            {
                context.RegisterCompilationStartAction(start =>
                {
                    foreach (var registration in recorded.Start)
                    {
                        RegisterEmpty(start, registration);
                    }
                });
            }
        }

        private static void RegisterEmpty(CompilationStartAnalysisContext start, Registration registration)
        {
            switch (registration.Kind)
            {
                case "operation": start.RegisterOperationAction(_ => { }, registration.Operations); break;
                case "operationBlock": start.RegisterOperationBlockAction(_ => { }); break;
                case "operationBlockStart": start.RegisterOperationBlockStartAction(_ => { }); break;
                case "compilationEnd": start.RegisterCompilationEndAction(_ => { }); break;
                case "symbol": start.RegisterSymbolAction(_ => { }, registration.Symbols); break;
                case "symbolStart": start.RegisterSymbolStartAction(_ => { }, registration.Symbols[0]); break;
                case "syntaxNode": start.RegisterSyntaxNodeAction(_ => { }, registration.Syntax); break;
                case "syntaxTree": start.RegisterSyntaxTreeAction(_ => { }); break;
                case "semanticModel": start.RegisterSemanticModelAction(_ => { }); break;
                case "codeBlock": start.RegisterCodeBlockAction(_ => { }); break;
                case "codeBlockStart": start.RegisterCodeBlockStartAction<SyntaxKind>(_ => { }); break;
                case "additionalFile": start.RegisterAdditionalFileAction(_ => { }); break;
                default: throw new NotSupportedException("registration " + registration);
            }
        }

        private sealed class Recorded
        {
            public List<Registration> Initialize { get; } = new List<Registration>();

            public List<Registration> Start { get; } = new List<Registration>();

            public bool Concurrent { get; set; }

            public GeneratedCodeAnalysisFlags Generated { get; set; } = GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics;
        }

        private static ImmutableArray<SyntaxKind> Kinds<T>(ImmutableArray<T> kinds) where T : struct =>
            kinds.Select(k => (SyntaxKind)Convert.ToInt32(k, System.Globalization.CultureInfo.InvariantCulture)).ToImmutableArray();

        private sealed class RecordingContext : AnalysisContext
        {
            private readonly List<Registration> into;

            public RecordingContext(List<Registration> into) => this.into = into;

            public List<Action<CompilationStartAnalysisContext>> StartActions { get; } = new List<Action<CompilationStartAnalysisContext>>();

            public bool Concurrent { get; private set; }

            public GeneratedCodeAnalysisFlags Generated { get; private set; } = GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics;

            public override void EnableConcurrentExecution() => Concurrent = true;

            public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => Generated = analysisMode;

            public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action)
            {
                into.Add(Registration.Of("compilationStart"));
                StartActions.Add(action);
            }

            public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => into.Add(Registration.Of("compilation"));

            public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => into.Add(Registration.Of("semanticModel"));

            public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) =>
                into.Add(Registration.Of("symbol") with { Symbols = symbolKinds });

            public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
                into.Add(Registration.Of("symbolStart") with { Symbols = ImmutableArray.Create(symbolKind) });

            public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => into.Add(Registration.Of("codeBlockStart"));

            public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => into.Add(Registration.Of("codeBlock"));

            public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => into.Add(Registration.Of("syntaxTree"));

            public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => into.Add(Registration.Of("additionalFile"));

            public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
                into.Add(Registration.Of("syntaxNode") with { Syntax = Kinds(syntaxKinds) });

            public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) =>
                into.Add(Registration.Of("operation") with { Operations = operationKinds });

            public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => into.Add(Registration.Of("operationBlockStart"));

            public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => into.Add(Registration.Of("operationBlock"));
        }

        private sealed class RecordingStartContext : CompilationStartAnalysisContext
        {
            private readonly List<Registration> into;

            public RecordingStartContext(List<Registration> into, Compilation compilation, AnalyzerOptions options)
                : base(compilation, options, CancellationToken.None)
            {
                this.into = into;
            }

            public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => into.Add(Registration.Of("compilationEnd"));

            public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => into.Add(Registration.Of("semanticModel"));

            public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) =>
                into.Add(Registration.Of("symbol") with { Symbols = symbolKinds });

            public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
                into.Add(Registration.Of("symbolStart") with { Symbols = ImmutableArray.Create(symbolKind) });

            public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => into.Add(Registration.Of("codeBlockStart"));

            public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => into.Add(Registration.Of("codeBlock"));

            public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => into.Add(Registration.Of("syntaxTree"));

            public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => into.Add(Registration.Of("additionalFile"));

            public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
                into.Add(Registration.Of("syntaxNode") with { Syntax = Kinds(syntaxKinds) });

            public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) =>
                into.Add(Registration.Of("operation") with { Operations = operationKinds });

            public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => into.Add(Registration.Of("operationBlockStart"));

            public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => into.Add(Registration.Of("operationBlock"));
        }
    }
}
