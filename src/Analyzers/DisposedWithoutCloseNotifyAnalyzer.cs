// TLS001: an SslStream that carried data is disposed with no TLS close before it.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DisposedWithoutCloseNotifyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: how the disposal happens (a <see cref="DisposalKind"/> name).</summary>
        public const string KindProperty = "Kind";

        /// <summary>Diagnostic property: the variable or field to close.</summary>
        public const string NameProperty = "Name";

        /// <summary>Diagnostic property: "Field" or "Local".</summary>
        public const string EntityProperty = "Entity";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.DisposedWithoutCloseNotify);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var symbols = KnownSymbols.TryCreate(start.Compilation);
                if (symbols == null)
                {
                    return;
                }

                // A body is walked only once one of its locals is seen taking an SslStream. Fields are
                // followed once per type (the first time a member of a type with Stream-like fields ends),
                // and each method reports the sites inside itself, so every diagnostic stays local.
                var hasStreamFields = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
                var fieldSites = new ConcurrentDictionary<INamedTypeSymbol, FieldDisposals.Result>(SymbolEqualityComparer.Default);
                start.RegisterOperationBlockStartAction(block =>
                {
                    var holder = new HolderSeen();
                    block.RegisterOperationAction(
                        c =>
                        {
                            if (!holder.Value && LocalStreams.IsHolderAssignment(symbols, c.Operation))
                            {
                                holder.Value = true;
                            }
                        },
                        OperationKind.VariableDeclarator,
                        OperationKind.SimpleAssignment);

                    var type = block.OwningSymbol.ContainingType;
                    var followFields = block.OwningSymbol is IMethodSymbol && type != null
                        && hasStreamFields.GetOrAdd(type, t => t.GetMembers().OfType<IFieldSymbol>().Any(f => symbols.CanHoldSslStream(f.Type)));
                    block.RegisterOperationBlockEndAction(end =>
                    {
                        foreach (var root in end.OperationBlocks)
                        {
                            if (holder.Value)
                            {
                                AnalyzeLocals(root, end.OwningSymbol, symbols, end.ReportDiagnostic);
                            }

                            if (followFields)
                            {
                                var result = FieldDisposals.ForType(symbols, type!, root.SemanticModel!, fieldSites, end.CancellationToken);
                                result.ReportWithin(root.Syntax, end.ReportDiagnostic);
                            }
                        }
                    });
                });
            });
        }

        private static void AnalyzeLocals(IOperation root, ISymbol owner, KnownSymbols symbols, System.Action<Diagnostic> report)
        {
            var owned = LocalStreams.FindOwnedByFunction(symbols, root);
            foreach (var (function, body) in FunctionBodies(owner, root))
            {
                if (!owned.TryGetValue(function, out var locals))
                {
                    continue;
                }

                var entities = new EntityTable(locals);
                var sites = new SiteCollector(entities, isField: false);
                new StreamFlowWalker(symbols, entities, sites.Add).Run(body, default);
                sites.Report(report, within: null);
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

        /// <summary>Set (only ever to true) by the operation callbacks of one body.</summary>
        private sealed class HolderSeen
        {
            private volatile bool _value;

            public bool Value
            {
                get => _value;
                set => _value = value;
            }
        }
    }
}
