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

        private const int MaxInlineDepth = 8;

        private static readonly ImmutableHashSet<string> DisposeMethodNames =
            ImmutableHashSet.Create("Dispose", "DisposeAsync", "DisposeAsyncCore", "Close", "CloseAsync");

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

                // A body is walked only once one of its locals is seen taking an SslStream.
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
                    block.RegisterOperationBlockEndAction(end =>
                    {
                        if (holder.Value)
                        {
                            foreach (var root in end.OperationBlocks)
                            {
                                AnalyzeLocals(root, end.OwningSymbol, symbols, end.ReportDiagnostic);
                            }
                        }
                    });
                });
                start.RegisterSymbolStartAction(type => RegisterFieldAnalysis(type, symbols), SymbolKind.NamedType);
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
                var sites = new SiteCollector();
                new StreamFlowWalker(symbols, entities, sites.Add).Run(body, default);
                sites.Report(report, entities, isField: false);
            }
        }

        /// <summary>The method's own body, then every lambda and local function in it, each analyzed on its own.</summary>
        private static IEnumerable<(ISymbol Function, IOperation Body)> FunctionBodies(ISymbol owner, IOperation root)
        {
            var body = BodyOf(root);
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

        private static IOperation? BodyOf(IOperation root) => root switch
        {
            IMethodBodyOperation method => (IOperation?)method.BlockBody ?? method.ExpressionBody,
            IConstructorBodyOperation constructor => (IOperation?)constructor.BlockBody ?? constructor.ExpressionBody,
            IBlockOperation block => block,
            _ => null,
        };

        private static void RegisterFieldAnalysis(SymbolStartAnalysisContext context, KnownSymbols symbols)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!type.GetMembers().OfType<IFieldSymbol>().Any(f => symbols.CanHoldSslStream(f.Type)))
            {
                return;
            }

            var bodies = new ConcurrentBag<(ISymbol Owner, IOperation Root)>();
            context.RegisterOperationBlockAction(block =>
            {
                foreach (var root in block.OperationBlocks)
                {
                    bodies.Add((block.OwningSymbol, root));
                }
            });
            context.RegisterSymbolEndAction(end => AnalyzeFields(end, symbols, type, bodies.ToList()));
        }

        /// <summary>
        /// Follows each tracked field through the type's dispose methods (Dispose, DisposeAsync, Close...),
        /// entering the same-type methods they call, from a state where every field the type used is open.
        /// </summary>
        private static void AnalyzeFields(SymbolAnalysisContext context, KnownSymbols symbols, INamedTypeSymbol type, List<(ISymbol Owner, IOperation Root)> bodies)
        {
            var (fields, used) = FieldStreams.Find(symbols, type, bodies.Select(b => b.Root).ToList());
            if (fields.IsEmpty || used == 0)
            {
                return;
            }

            var methods = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var (owner, root) in bodies)
            {
                if (owner is IMethodSymbol method && BodyOf(root) is { } body)
                {
                    methods[method] = body;
                }
            }

            var disposeMethods = methods.Keys.Where(IsDisposeMethod).ToList();
            var calledByDispose = new HashSet<IMethodSymbol>(
                disposeMethods.SelectMany(m => methods[m].Descendants().OfType<IInvocationOperation>())
                    .Select(i => i.TargetMethod.OriginalDefinition),
                SymbolEqualityComparer.Default);

            var sites = new SiteCollector();
            var inlining = new Stack<IMethodSymbol>();
            StreamState Enter(IInvocationOperation call, StreamState state)
            {
                var callee = call.TargetMethod.OriginalDefinition;
                if (!methods.TryGetValue(callee, out var calleeBody) || inlining.Contains(callee) || inlining.Count >= MaxInlineDepth)
                {
                    return state;
                }

                inlining.Push(callee);
                var after = new StreamFlowWalker(symbols, fields, sites.Add, Enter).Run(calleeBody, state);
                inlining.Pop();
                return after ?? state;
            }

            foreach (var root in disposeMethods.Where(m => !calledByDispose.Contains(m)))
            {
                inlining.Push(root);
                new StreamFlowWalker(symbols, fields, sites.Add, Enter).Run(methods[root], new StreamState(used, 0));
                inlining.Pop();
            }

            sites.Report(context.ReportDiagnostic, fields, isField: true);
        }

        private static bool IsDisposeMethod(IMethodSymbol method) =>
            !method.IsStatic
            && (DisposeMethodNames.Contains(method.Name)
                || method.ExplicitInterfaceImplementations.Any(i => DisposeMethodNames.Contains(i.Name)));

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

        /// <summary>Collects disposal sites once each (loops and finally blocks are walked more than once).</summary>
        private sealed class SiteCollector
        {
            private readonly Dictionary<(SyntaxNode, int), DisposalSite> _sites = new Dictionary<(SyntaxNode, int), DisposalSite>();

            public void Add(DisposalSite site) => _sites[(site.Syntax, site.Entity)] = site;

            public void Report(System.Action<Diagnostic> report, EntityTable entities, bool isField)
            {
                foreach (var site in _sites.Values.OrderBy(s => s.Syntax.SpanStart))
                {
                    var name = entities.Entities[site.Entity].Name;
                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add(KindProperty, site.Kind.ToString())
                        .Add(NameProperty, name)
                        .Add(EntityProperty, isField ? "Field" : "Local");
                    report(Diagnostic.Create(Descriptors.DisposedWithoutCloseNotify, site.Syntax.GetLocation(), properties, name));
                }
            }
        }
    }
}
