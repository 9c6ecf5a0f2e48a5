using System.Linq;
using System.Threading;
using CloseNotify.Analyzers;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.CodeFixes
{
    /// <summary>What the TLS003 fix needs to know about the try whose catch it changes: the TLS stream it closes (for
    /// the no-session test of the benign filter), whether its errors arrive wrapped in an AggregateException, and whether
    /// it disposes something (a disposal the author wrapped in a catch-all is one that must not throw).</summary>
    internal sealed class CloseTry
    {
        private CloseTry(ExpressionSyntax? stream, bool streamMaybeNull, bool wrapsErrors, bool disposes)
        {
            Stream = stream;
            StreamMaybeNull = streamMaybeNull;
            WrapsErrors = wrapsErrors;
            Disposes = disposes;
        }

        /// <summary>The TLS stream the try closes, as an expression valid in its catch filters (null when there is none:
        /// a local of the try, an owner that is not a Stream, a stream reached through another object).</summary>
        public ExpressionSyntax? Stream { get; }

        /// <summary>The stream was reached through <c>?.</c> or its declared type is nullable.</summary>
        public bool StreamMaybeNull { get; }

        /// <summary><c>Wait()</c>, <c>WaitAll</c> or <c>Result</c> in the try, or in a method of the project it calls:
        /// only they wrap a task's error in an AggregateException (<c>await</c> and <c>GetAwaiter().GetResult()</c> do not).</summary>
        public bool WrapsErrors { get; }

        /// <summary>The try disposes or closes something (<c>Dispose</c>, <c>Close</c>, <c>DisposeAsync</c>, a <c>using</c>).</summary>
        public bool Disposes { get; }

        public static CloseTry Of(SemanticModel model, TryStatementSyntax tryStatement, CancellationToken cancellationToken)
        {
            var symbols = KnownSymbols.TryCreate(model.Compilation);
            var operations = model.GetOperation(tryStatement.Block, cancellationToken)?.DescendantsAndSelf().ToList();
            if (symbols == null || operations == null)
            {
                return new CloseTry(null, false, true, false);
            }

            var disposes = operations.Any(o => o is IUsingOperation or IUsingDeclarationOperation
                || (o is IInvocationOperation i && symbols.IsDispose(i.TargetMethod)));
            var wraps = operations.Any(Wraps) || operations.OfType<IInvocationOperation>().Any(i => CalleeWraps(model.Compilation, i.TargetMethod, cancellationToken));

            // The closes of this try, not those a nested try handles itself; two different streams give no single answer.
            var block = operations[0];
            ExpressionSyntax? stream = null;
            ISymbol? streamSymbol = null;
            var maybeNull = false;
            foreach (var invocation in operations.OfType<IInvocationOperation>().Where(i => !InNestedTry(i, block)))
            {
                var closed = symbols.IsShutdown(invocation.TargetMethod) || symbols.IsDispose(invocation.TargetMethod)
                    ? invocation.Instance
                    : symbols.IsRuntimeClose(invocation.TargetMethod) && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null;
                var receiver = OperationHelpers.ResolveReceiver(closed);
                if (receiver == null || OperationHelpers.ReferencedSymbol(receiver) is not { } symbol
                    || !IsStream(receiver.Type, symbols) || DeclaredIn(symbol, tryStatement))
                {
                    continue;
                }

                if (streamSymbol != null && !SymbolEqualityComparer.Default.Equals(streamSymbol, symbol))
                {
                    return new CloseTry(null, false, wraps, disposes);
                }

                var annotated = symbol switch
                {
                    IFieldSymbol field => field.NullableAnnotation,
                    IPropertySymbol property => property.NullableAnnotation,
                    ILocalSymbol local => local.NullableAnnotation,
                    IParameterSymbol parameter => parameter.NullableAnnotation,
                    _ => NullableAnnotation.None,
                };
                var conditional = closed != null && OperationHelpers.StripConversions(closed) is IConditionalAccessInstanceOperation;
                // A nullable field known not null where it is closed (`if (_ssl != null) { try { ... } }`) gets no `?.`
                // in the filter: a `?.` there is a null test, after which the compiler warns (CS8602) at the next use.
                var flowState = model.GetTypeInfo(receiver.Syntax, cancellationToken).Nullability.FlowState;
                maybeNull |= conditional || (annotated == NullableAnnotation.Annotated && flowState != NullableFlowState.NotNull);
                stream ??= (ExpressionSyntax)receiver.Syntax.WithoutTrivia();
                streamSymbol = symbol;
            }

            return new CloseTry(stream, maybeNull, wraps, disposes);
        }

        private static bool InNestedTry(IOperation operation, IOperation block)
        {
            for (var parent = operation.Parent; parent != null && parent != block; parent = parent.Parent)
            {
                if (parent is ITryOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Wraps(IOperation operation) => operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod.Name is "Wait" or "WaitAll" && IsTask(invocation.TargetMethod.ContainingType),
            IPropertyReferenceOperation property => property.Property.Name == "Result" && IsTask(property.Property.ContainingType),
            _ => false,
        };

        /// <summary>A method of the project called from the try that waits with Wait() or Result: its AggregateException
        /// reaches the catch (one level down; deeper waits are rare in a close path).</summary>
        private static bool CalleeWraps(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                if (!compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    continue;
                }

                var body = compilation.GetSemanticModel(reference.SyntaxTree).GetOperation(reference.GetSyntax(cancellationToken), cancellationToken);
                if (body != null && body.DescendantsAndSelf().Any(Wraps))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsTask(INamedTypeSymbol? type) =>
            type is { Name: "Task", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };

        private static bool IsStream(ITypeSymbol? type, KnownSymbols symbols)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, symbols.Stream))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool DeclaredIn(ISymbol symbol, TryStatementSyntax tryStatement) =>
            symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.Any(r => tryStatement.Block.Span.Contains(r.Span));
    }
}
