// TLS004: the socket, NetworkStream, TcpClient or inner stream under an SslStream is closed while that SslStream, used on
// this path, was neither shut down nor disposed first: no close_notify can follow.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using CloseNotify.Analyzers.Paths;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Local to a member: the SslStream is created in it (<c>new SslStream(inner, ...)</c>), so the member shows which
    /// symbols are its transport (the inner stream, the TcpClient or Socket that stream came from). Walked on the
    /// member's control-flow graph from each use of the TLS stream, along normal paths: a catch (the cleanup of a
    /// failed handshake) is never on one. Members that create no SslStream cost one type test per object creation.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TransportClosedUnderTlsAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the TLS stream to close first.</summary>
        public const string NameProperty = "Name";

        /// <summary>Diagnostic property: "Local", "Parameter" or "Field".</summary>
        public const string EntityProperty = "Entity";

        /// <summary>Diagnostic property: "SslStream" when the name is declared as one (ShutdownAsync callable), else "Stream".</summary>
        public const string TypedProperty = "Typed";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.TransportClosedUnderTls, Descriptors.TransportClosedUnderTlsAcrossMethods);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
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
                var candidates = new ConcurrentBag<FieldCandidate>();
                var typeBodies = new ConcurrentDictionary<INamedTypeSymbol, ConcurrentBag<IOperation>>(SymbolEqualityComparer.Default);
                // By reference: a type symbol is one object per compilation (cheaper than the symbol comparer, asked once per body).
                var mayHoldBoth = new ConcurrentDictionary<INamedTypeSymbol, bool>(ByReference.Instance);
                start.RegisterOperationAction(
                    c =>
                    {
                        if (lookups.Get(c.CancellationToken).Symbols is { } symbols && symbols.IsSslStream(c.Operation.Type))
                        {
                            marked.TryAdd(OperationHelpers.RootOf(c.Operation).Syntax, true);
                        }
                    },
                    OperationKind.ObjectCreation);

                // Operation actions of a member run before its block actions: the mark is there by now.
                start.RegisterOperationBlockAction(block =>
                {
                    if (lookups.Get(block.CancellationToken).Symbols is not { } symbols)
                    {
                        return;
                    }

                    // The bodies of the few types with a TLS-capable private field and a transport field are kept for the
                    // end of the compilation, when every member that may close the field has been seen. (No closure per
                    // body: this runs for every member of the compilation.)
                    var type = block.OwningSymbol.ContainingType;
                    var keep = false;
                    if (type != null && !mayHoldBoth.TryGetValue(type, out keep))
                    {
                        keep = FieldTransports.MayHoldBoth(symbols, type);
                        mayHoldBoth.TryAdd(type, keep);
                    }

                    foreach (var operationBlock in block.OperationBlocks)
                    {
                        var root = OperationHelpers.RootOf(operationBlock);
                        if (marked.TryRemove(root.Syntax, out _))
                        {
                            Analyze(block.GetControlFlowGraph(operationBlock), symbols, root, block.OwningSymbol, block.ReportDiagnostic, candidates);
                        }

                        if (keep)
                        {
                            typeBodies.GetOrAdd(type!, _ => new ConcurrentBag<IOperation>()).Add(root);
                        }
                    }
                });
                start.RegisterCompilationEndAction(end =>
                {
                    if (!candidates.IsEmpty && lookups.Get(end.CancellationToken).Symbols is { } symbols)
                    {
                        foreach (var diagnostic in FieldTransports.Analyze(symbols, candidates, typeBodies))
                        {
                            end.ReportDiagnostic(diagnostic);
                        }
                    }
                });
            });
        }

        private static void Analyze(ControlFlowGraph graph, KnownSymbols symbols, IOperation root, ISymbol owner, System.Action<Diagnostic> report, ConcurrentBag<FieldCandidate> candidates)
        {
            var paths = new NormalPaths(graph);
            var reported = new HashSet<Location>();
            foreach (var operation in root.Descendants())
            {
                if (operation is IObjectCreationOperation { Arguments.IsEmpty: false } creation && symbols.IsSslStream(creation.Type)
                    && TlsTarget(creation) is { } ssl)
                {
                    var aliases = StreamAliases.Of(root, ssl);
                    var transports = TransportSymbols.Of(root, creation.Arguments[0].Value, aliases);
                    if (transports.Count == 0)
                    {
                        continue;
                    }

                    if (owner.ContainingType is { } type && aliases.Any(a => a is IFieldSymbol { DeclaredAccessibility: Accessibility.Private } f && IsOwn(f, type))
                        && transports.Any(t => t is IFieldSymbol f && IsOwn(f, type)))
                    {
                        candidates.Add(new FieldCandidate(type, aliases, transports, root.Syntax));
                    }

                    var events = new TransportEvents(symbols, paths, aliases, transports, owner.ContainingType);
                    events.Collect(root);
                    foreach (var start in events.Uses)
                    {
                        foreach (var index in paths.Reached(start, events.ClosePoints, events.Stops, v => paths.NullTestOf(v, o => IsAlias(o, aliases))))
                        {
                            var (_, what, location) = events.Closes[index];
                            if (reported.Add(location))
                            {
                                report(Diagnostic.Create(Descriptors.TransportClosedUnderTls, location, PropertiesOf(symbols, ssl), what, ssl.Name));
                            }
                        }
                    }
                }
            }
        }

        /// <summary>The variable or field the new SslStream goes into; null when it goes straight elsewhere (an argument, a return).</summary>
        private static ISymbol? TlsTarget(IObjectCreationOperation creation)
        {
            IOperation value = creation;
            while (value.Parent is IConversionOperation)
            {
                value = value.Parent;
            }

            return value.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation assignment when assignment.Value == value => OperationHelpers.ReferencedSymbol(assignment.Target),
                _ => null,
            };
        }

        private static bool IsAlias(IOperation operation, HashSet<ISymbol> aliases) =>
            OperationHelpers.ReferencedSymbol(operation) is { } symbol && aliases.Contains(symbol);

        private static bool IsOwn(IFieldSymbol field, INamedTypeSymbol type) => !field.IsStatic && SymbolEqualityComparer.Default.Equals(field.ContainingType, type);

        internal static ImmutableDictionary<string, string?> PropertiesOf(KnownSymbols symbols, ISymbol ssl) =>
            ImmutableDictionary<string, string?>.Empty
                .Add(NameProperty, ssl.Name)
                .Add(EntityProperty, ssl switch { ILocalSymbol => "Local", IParameterSymbol => "Parameter", _ => "Field" })
                .Add(TypedProperty, symbols.IsSslStream(ValueSources.TypeOf(ssl)) ? "SslStream" : "Stream");

        private sealed class Holder
        {
            public Holder(KnownSymbols? symbols) => Symbols = symbols;

            public KnownSymbols? Symbols { get; }
        }
    }
}
