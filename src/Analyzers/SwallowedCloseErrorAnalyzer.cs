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
                var symbols = KnownSymbols.TryCreate(start.Compilation);
                if (symbols == null)
                {
                    return;
                }

                var catchTypes = CatchTypes.Create(start.Compilation);
                start.RegisterSymbolStartAction(type => RegisterType(type, symbols, catchTypes), SymbolKind.NamedType);
            });
        }

        private static void RegisterType(SymbolStartAnalysisContext context, KnownSymbols symbols, CatchTypes catchTypes)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!type.GetMembers().OfType<IFieldSymbol>().Any(f => symbols.CanHoldSslStream(f.Type)))
            {
                // No field can hold a TLS stream: each try is judged on its own method.
                context.RegisterOperationAction(c => AnalyzeTry((ITryOperation)c.Operation, symbols, catchTypes, fields: null, c.ReportDiagnostic), OperationKind.Try);
                return;
            }

            // A Stream field is a TLS stream only if some member of the type assigns it one: wait for all of them.
            var bodies = new ConcurrentBag<IOperation>();
            var tries = new ConcurrentBag<ITryOperation>();
            context.RegisterOperationBlockAction(block =>
            {
                foreach (var root in block.OperationBlocks)
                {
                    bodies.Add(root);
                }
            });
            context.RegisterOperationAction(c => tries.Add((ITryOperation)c.Operation), OperationKind.Try);
            context.RegisterSymbolEndAction(end =>
            {
                var (fields, _) = FieldStreams.Find(symbols, type, bodies.ToList());
                foreach (var tryOperation in tries)
                {
                    AnalyzeTry(tryOperation, symbols, catchTypes, fields, end.ReportDiagnostic);
                }
            });
        }

        private static void AnalyzeTry(ITryOperation tryOperation, KnownSymbols symbols, CatchTypes catchTypes, EntityTable? fields, System.Action<Diagnostic> report)
        {
            if (tryOperation.Catches.IsEmpty)
            {
                return;
            }

            var root = RootOf(tryOperation);
            var tls = new TlsStreamReferences(symbols, LocalStreams.FindHolders(symbols, root), fields);
            var closing = CloseFinder.FindClose(symbols, tls, tryOperation.Body, root);
            var reading = closing == null ? CloseFinder.FindReadLoop(symbols, tls, tryOperation) : null;
            if (closing == null && reading == null)
            {
                return;
            }

            foreach (var handler in tryOperation.Catches)
            {
                if (handler.Filter != null || !DoesNothing(handler.Handler) || handler.Syntax is not CatchClauseSyntax syntax)
                {
                    continue;
                }

                var caught = syntax.Declaration == null ? "catch" : syntax.Declaration.Type.ToString();
                var end = syntax.Declaration?.Span.End ?? syntax.CatchKeyword.Span.End;
                var location = Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(syntax.CatchKeyword.SpanStart, end));

                if (closing != null && catchTypes.IsBroad(handler.ExceptionType))
                {
                    report(Diagnostic.Create(Descriptors.SwallowedCloseError, location, Properties(CloseShape), caught, closing));
                }
                else if (closing == null && catchTypes.IsBroadOrIO(handler.ExceptionType))
                {
                    report(Diagnostic.Create(Descriptors.SwallowedReadError, location, Properties(ReadLoopShape), caught, reading));
                }
            }
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

        private static IOperation RootOf(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

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
