using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// What a catch clause does with the error: nothing (TLS003's subject), or keeps every error from escaping (a close
    /// inside such a try cannot raise anything to the code around it).
    /// </summary>
    internal sealed class CatchClauses
    {
        private readonly ImmutableHashSet<ITypeSymbol> _broad;
        private readonly ITypeSymbol? _ioException;
        private readonly INamedTypeSymbol? _conditional;

        private CatchClauses(ImmutableHashSet<ITypeSymbol> broad, ITypeSymbol? ioException, INamedTypeSymbol? conditional)
        {
            _broad = broad;
            _ioException = ioException;
            _conditional = conditional;
        }

        public static CatchClauses Create(Compilation compilation)
        {
            // AggregateException counts as broad: Wait() wraps whatever the shutdown task failed with.
            var broad = new[] { "System.Exception", "System.SystemException", "System.AggregateException" }
                .Select(compilation.GetTypeByMetadataName)
                .Where(t => t != null)
                .Cast<ITypeSymbol>()
                .Append(compilation.GetSpecialType(SpecialType.System_Object));
            return new CatchClauses(
                ImmutableHashSet.CreateRange<ITypeSymbol>(SymbolEqualityComparer.Default, broad),
                compilation.GetTypeByMetadataName("System.IO.IOException"),
                compilation.GetTypeByMetadataName("System.Diagnostics.ConditionalAttribute"));
        }

        public bool IsBroad(ITypeSymbol? caught) => caught != null && _broad.Contains(caught);

        public bool IsBroadOrIO(ITypeSymbol? caught) => IsBroad(caught) || SymbolEqualityComparer.Default.Equals(caught, _ioException);

        /// <summary>
        /// Empty, comments only, only return / break / continue, or only calls that compile away in the build that ships
        /// (<see cref="CompilesAway"/>): there the error is dropped, arguments and all.
        /// </summary>
        public bool DoesNothing(IBlockOperation handler) =>
            handler.Operations.All(o => o switch
            {
                IEmptyOperation => true,
                IReturnOperation { ReturnedValue: null } => true,
                IReturnOperation { ReturnedValue: { } value } => value.ConstantValue.HasValue || value is IDefaultValueOperation,
                IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } => true,
                IExpressionStatementOperation { Operation: IInvocationOperation call } => CompilesAway(call),
                _ => false,
            });

        /// <summary>
        /// Does the try keep every error of its body from escaping? A clause that catches broadly, with no filter, and
        /// never throws from its handler (whatever else it does: log, record, return). A filter (even
        /// <c>TlsErrors.IsBenign</c>) lets the other errors through, and so does a rethrow.
        /// </summary>
        public bool KeepsEverything(ITryOperation tryOperation)
        {
            foreach (var clause in tryOperation.Catches)
            {
                if (clause.Filter == null && (clause.ExceptionType == null || IsBroad(clause.ExceptionType)) && !Throws(clause.Handler))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A call to a <c>[Conditional]</c> method none of whose symbols the shipped build defines: <c>Debug.WriteLine</c>
        /// (DEBUG, left out of Release builds), a library's own <c>[Conditional("VERBOSE")]</c> log that this compilation
        /// does not define. <c>Trace.*</c> stays: TRACE is defined in Release builds too.
        /// </summary>
        private bool CompilesAway(IInvocationOperation call)
        {
            if (_conditional == null)
            {
                return false;
            }

            var conditions = call.TargetMethod.GetAttributes()
                .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _conditional))
                .Select(a => a.ConstructorArguments.Length == 1 ? a.ConstructorArguments[0].Value as string : null)
                .ToList();
            var defined = call.Syntax.SyntaxTree.Options.PreprocessorSymbolNames;
            // DEBUG is left out of the Release build whatever this one defines; TRACE is kept in every configuration of an
            // SDK project, whatever this one defines (a bare compilation, a test, defines neither).
            return conditions.Count > 0 && conditions.All(c => c == "DEBUG" || (c is not null and not "TRACE" && !defined.Contains(c)));
        }

        private static bool Throws(IOperation handler)
        {
            foreach (var operation in CloseFinder.OwnDescendants(handler))
            {
                if (operation is IThrowOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
