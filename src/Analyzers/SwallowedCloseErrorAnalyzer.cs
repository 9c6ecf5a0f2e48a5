// TLS003: a catch that swallows every error around a TLS close, or turns a read error into end of data.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SwallowedCloseErrorAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: "Close" (a close or drain in the try) or "ReadLoop" (a read loop).</summary>
        public const string ShapeProperty = "Shape";

        public const string CloseShape = "Close";
        public const string ReadLoopShape = "ReadLoop";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SwallowedCloseError, Descriptors.SwallowedReadError);

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

                // Symbols are looked up at the first try statement, not here (see PerCompilation).
                var compilation = start.Compilation;
                var lookups = new PerCompilation<Lookups>(_ => new Lookups(compilation));
                var fieldsByType = new ConcurrentDictionary<INamedTypeSymbol, EntityTable>(SymbolEqualityComparer.Default);
                start.RegisterOperationAction(
                    c =>
                    {
                        if (lookups.Get(c.CancellationToken) is { Symbols: { } symbols, Owners: { } owners } found)
                        {
                            AnalyzeTry(c, symbols, owners, found.CatchTypes, fieldsByType);
                        }
                    },
                    OperationKind.Try);
            });
        }

        private sealed class Lookups
        {
            public Lookups(Compilation compilation)
            {
                Symbols = KnownSymbols.TryCreate(compilation);
                Owners = Symbols == null ? null : new TlsOwners(Symbols, compilation.Assembly);
                CatchTypes = CatchTypes.Create(compilation);
            }

            public TlsOwners? Owners { get; }

            /// <summary>Null when the compilation cannot see SslStream: then there is nothing to find.</summary>
            public KnownSymbols? Symbols { get; }

            public CatchTypes CatchTypes { get; }
        }

        private static void AnalyzeTry(OperationAnalysisContext context, KnownSymbols symbols, TlsOwners owners, CatchTypes catchTypes, ConcurrentDictionary<INamedTypeSymbol, EntityTable> fieldsByType)
        {
            var tryOperation = (ITryOperation)context.Operation;

            // Cheapest test first: most catches do something with the error, or catch a narrow type.
            var suspects = tryOperation.Catches
                .Where(c => c.Filter == null && catchTypes.IsBroadOrIO(c.ExceptionType) && DoesNothing(c.Handler) && c.Syntax is CatchClauseSyntax)
                .ToList();
            if (suspects.Count == 0 || IsInsideCatch(tryOperation))
            {
                return;
            }

            // Most empty catches guard code with no close nor read at all: a name test finds out before any lookup
            // (unless closing methods are configured: those may have any name).
            if (symbols.Options.IsEmpty && !CloseFinder.MayCloseOrRead(tryOperation.Body))
            {
                return;
            }

            var root = OperationHelpers.RootOf(tryOperation);
            var tls = new TlsStreamReferences(symbols, () => LocalStreams.FindHolders(symbols, root), () => FieldsOf(context, symbols, fieldsByType), owners);
            var closing = CloseFinder.FindClose(symbols, tls, tryOperation.Body, root);

            // A catch (IOException) is never a close's swallower, but around a read loop it still ends the data early.
            var reading = closing == null || suspects.Any(c => !catchTypes.IsBroad(c.ExceptionType)) ? CloseFinder.FindReadLoop(symbols, tls, tryOperation) : null;
            if (closing == null && reading == null)
            {
                return;
            }

            foreach (var handler in suspects)
            {
                var syntax = (CatchClauseSyntax)handler.Syntax;
                var caught = syntax.Declaration == null ? "catch" : syntax.Declaration.Type.ToString();
                var end = syntax.Declaration?.Span.End ?? syntax.CatchKeyword.Span.End;
                var location = Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(syntax.CatchKeyword.SpanStart, end));
                if (closing != null && catchTypes.IsBroad(handler.ExceptionType))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.SwallowedCloseError, location, Properties(CloseShape), caught, closing));
                }
                else if (reading != null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.SwallowedReadError, location, Properties(ReadLoopShape), caught, reading));
                }
            }
        }

        /// <summary>The containing type's fields that hold an SslStream; computed once per type, only for types that have Stream-like fields.</summary>
        private static EntityTable? FieldsOf(OperationAnalysisContext context, KnownSymbols symbols, ConcurrentDictionary<INamedTypeSymbol, EntityTable> cache)
        {
            var type = context.ContainingSymbol.ContainingType;
            if (type == null || !type.GetMembers().OfType<IFieldSymbol>().Any(f => symbols.CanHoldSslStream(f.Type)))
            {
                return null;
            }

            if (cache.TryGetValue(type, out var cached))
            {
                return cached;
            }

            var bodies = TypeBodies.InTree(type, context.Operation.SemanticModel!, context.CancellationToken);
            var (fields, _) = FieldStreams.Find(symbols, type, bodies);

            // A partial type seen from one file only is not cached: another file may see more of it.
            return type.DeclaringSyntaxReferences.Length == 1 ? cache.GetOrAdd(type, fields) : fields;
        }

        /// <summary>
        /// Cleanup in a catch that handles the first error (<c>catch (Exception ex) { try { conn.Dispose(); } catch { } throw; }</c>):
        /// swallowing the second error there is the idiom that keeps the first one from being replaced.
        /// </summary>
        private static bool IsInsideCatch(IOperation operation)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ICatchClauseOperation:
                        return true;
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        private static ImmutableDictionary<string, string?> Properties(string shape) =>
            ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape);

        /// <summary>Empty, comments only, or only return / break / continue: nothing is done with the error.</summary>
        private static bool DoesNothing(IBlockOperation handler) =>
            handler.Operations.All(o => o switch
            {
                IEmptyOperation => true,
                IReturnOperation { ReturnedValue: null } => true,
                IReturnOperation { ReturnedValue: { } value } => value.ConstantValue.HasValue || value is IDefaultValueOperation,
                IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } => true,
                _ => false,
            });

        /// <summary>The exception types a catch must not swallow wholesale.</summary>
        private sealed class CatchTypes
        {
            private readonly ImmutableHashSet<ITypeSymbol> _broad;
            private readonly ITypeSymbol? _ioException;

            private CatchTypes(ImmutableHashSet<ITypeSymbol> broad, ITypeSymbol? ioException)
            {
                _broad = broad;
                _ioException = ioException;
            }

            public static CatchTypes Create(Compilation compilation)
            {
                // AggregateException counts as broad: Wait() wraps whatever the shutdown task failed with.
                var broad = new[] { "System.Exception", "System.SystemException", "System.AggregateException" }
                    .Select(compilation.GetTypeByMetadataName)
                    .Where(t => t != null)
                    .Cast<ITypeSymbol>()
                    .Append(compilation.GetSpecialType(SpecialType.System_Object));
                return new CatchTypes(ImmutableHashSet.CreateRange<ITypeSymbol>(SymbolEqualityComparer.Default, broad), compilation.GetTypeByMetadataName("System.IO.IOException"));
            }

            public bool IsBroad(ITypeSymbol? caught) => caught != null && _broad.Contains(caught);

            public bool IsBroadOrIO(ITypeSymbol? caught) => IsBroad(caught) || SymbolEqualityComparer.Default.Equals(caught, _ioException);
        }
    }
}
