// TLS001: an SslStream that carried data is disposed with no TLS close before it.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
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
                var compilation = start.Compilation;
                var analysis = new PerCompilation<CompilationAnalysis>(cancellationToken => CompilationAnalysis.Create(compilation, cancellationToken));

                // Only the bodies of files that can hold an SslStream (TlsReach) get the site actions: in the others the
                // driver dispatches nothing to this rule. Each site is reported from the operation that is the site, so
                // every diagnostic is local to the operation that raised it.
                start.RegisterOperationBlockStartAction(block =>
                {
                    var current = analysis.Get(block.CancellationToken);
                    if (current.Symbols == null || block.OperationBlocks.IsEmpty
                        || !current.Reach.CanReach(block.OwningSymbol, block.OperationBlocks[0].Syntax.SyntaxTree))
                    {
                        return;
                    }

                    block.RegisterOperationAction(current.AnalyzeUsing, OperationKind.Using, OperationKind.UsingDeclaration);
                    block.RegisterOperationAction(current.AnalyzeCall, OperationKind.Invocation, OperationKind.Await, OperationKind.ConditionalAccess);
                    block.RegisterOperationAction(current.AnalyzeExit, OperationKind.Return, OperationKind.YieldBreak, OperationKind.Branch);
                });
            });
        }

        /// <summary>One compilation's symbols, gate and caches: the flow walk is done once per body (locals) or once per
        /// type (fields), the first time one of its sites asks.</summary>
        private sealed class CompilationAnalysis
        {
            private readonly ConditionalWeakTable<SyntaxNode, List<SiteCollector>> _localSites = new ConditionalWeakTable<SyntaxNode, List<SiteCollector>>();
            private readonly ConcurrentDictionary<INamedTypeSymbol, FieldDisposals.Result> _fieldSites =
                new ConcurrentDictionary<INamedTypeSymbol, FieldDisposals.Result>(SymbolEqualityComparer.Default);

            private CompilationAnalysis(KnownSymbols? symbols, TlsReach reach)
            {
                Symbols = symbols;
                Reach = reach;
            }

            /// <summary>Null when the compilation cannot see SslStream.</summary>
            public KnownSymbols? Symbols { get; }

            public TlsReach Reach { get; }

            public static CompilationAnalysis Create(Compilation compilation, CancellationToken cancellationToken)
            {
                var symbols = KnownSymbols.TryCreate(compilation);
                if (symbols == null)
                {
                    return new CompilationAnalysis(null, TlsReach.Nowhere);
                }

                var reach = TlsReach.Compute(compilation, symbols, cancellationToken);
                return new CompilationAnalysis(reach.IsEmpty ? null : symbols, reach);
            }

            /// <summary>The end of a using statement or declaration: the site is each resource's declarator; for
            /// using (existing) { }, the resource expression.</summary>
            public void AnalyzeUsing(OperationAnalysisContext c)
            {
                var resources = c.Operation switch
                {
                    IUsingOperation usingStatement => usingStatement.Resources,
                    IUsingDeclarationOperation usingDeclaration => usingDeclaration.DeclarationGroup,
                    _ => null,
                };
                if (resources is IVariableDeclarationGroupOperation group)
                {
                    foreach (var declaration in group.Declarations)
                    {
                        foreach (var declarator in declaration.Declarators)
                        {
                            if (LocalStreams.IsHolderAssignment(Symbols!, declarator))
                            {
                                ReportLocalSites(c, declarator);
                            }
                        }
                    }
                }
                else if (resources != null)
                {
                    ReportAt(c, resources, OperationHelpers.StripConversions(resources));
                }
            }

            /// <summary>x.Dispose(), x?.Close(), await x.DisposeAsync().ConfigureAwait(false): the site is the outermost
            /// expression of the call, so each of those kinds is asked, and only the outermost one answers.</summary>
            public void AnalyzeCall(OperationAnalysisContext c)
            {
                var operation = c.Operation;
                if (operation.IsImplicit || DisposeCallIn(operation) is not { } call || !Symbols!.IsDispose(call.TargetMethod)
                    || OperationHelpers.OutermostCallExpression(operation) != operation)
                {
                    return;
                }

                ReportAt(c, operation, OperationHelpers.ResolveReceiver(call.Instance));
            }

            /// <summary>return / break / continue / yield break out of a using scope: the site is the exit statement.</summary>
            public void AnalyzeExit(OperationAnalysisContext c)
            {
                if (!c.Operation.IsImplicit && InsideScopeWithStreamLocal(Symbols!, c.Operation))
                {
                    ReportLocalSites(c, c.Operation);
                }
            }

            private void ReportAt(OperationAnalysisContext c, IOperation site, IOperation? resource)
            {
                var symbols = Symbols!;
                switch (resource)
                {
                    case ILocalReferenceOperation { Local: var local } when symbols.CanHoldSslStream(local.Type):
                        ReportLocalSites(c, site);
                        break;
                    case IFieldReferenceOperation { Field: var field } when symbols.CanHoldSslStream(field.Type)
                        && c.ContainingSymbol.ContainingType is { } type && site.SemanticModel is { } model:
                        FieldDisposals.ForType(symbols, type, model, _fieldSites, c.CancellationToken).ReportAt(site.Syntax, c.ReportDiagnostic);
                        break;
                }
            }

            private void ReportLocalSites(OperationAnalysisContext c, IOperation site)
            {
                var root = OperationHelpers.RootOf(site);
                var owner = c.ContainingSymbol;
                var symbols = Symbols!;
                var collectors = _localSites.GetValue(root.Syntax, _ => AnalyzeLocals(root, owner, symbols));
                foreach (var collector in collectors)
                {
                    collector.ReportAt(c.ReportDiagnostic, site.Syntax);
                }
            }
        }

        private static List<SiteCollector> AnalyzeLocals(IOperation root, ISymbol owner, KnownSymbols symbols)
        {
            var collectors = new List<SiteCollector>();
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
                if (!sites.IsEmpty)
                {
                    collectors.Add(sites);
                }
            }

            return collectors;
        }

        /// <summary>The Dispose-like call at the core of a call expression: under await, ?. and ConfigureAwait.</summary>
        private static IInvocationOperation? DisposeCallIn(IOperation expression)
        {
            var current = expression;
            while (true)
            {
                switch (current)
                {
                    case IAwaitOperation awaited:
                        current = awaited.Operation;
                        break;
                    case IConditionalAccessOperation access:
                        current = access.WhenNotNull;
                        break;
                    case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance }:
                        current = instance;
                        break;
                    case IInvocationOperation invocation:
                        return invocation;
                    default:
                        return null;
                }
            }
        }

        /// <summary>Is an exit inside a using scope whose resource may hold an SslStream? Runs for every return of the
        /// compilation, so it looks only at using statements and at the using declarations of enclosing blocks.</summary>
        private static bool InsideScopeWithStreamLocal(KnownSymbols symbols, IOperation exit)
        {
            for (var parent = exit.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IUsingOperation usingStatement when AnyHolder(symbols, usingStatement.Locals):
                        return true;
                    case IBlockOperation block when !block.Locals.IsEmpty && AnyHolder(symbols, block.Locals):
                        foreach (var statement in block.Operations)
                        {
                            if (statement is IUsingDeclarationOperation)
                            {
                                return true;
                            }
                        }

                        break;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        private static bool AnyHolder(KnownSymbols symbols, ImmutableArray<ILocalSymbol> locals)
        {
            foreach (var local in locals)
            {
                if (symbols.CanHoldSslStream(local.Type))
                {
                    return true;
                }
            }

            return false;
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
