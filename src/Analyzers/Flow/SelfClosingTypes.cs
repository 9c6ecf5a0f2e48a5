using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Subclasses of SslStream in the compilation that send close_notify when they are disposed: a Close() or
    /// Dispose(bool) override (reached by Dispose, Close and using) or a DisposeAsync() override (reached by
    /// DisposeAsync and await using) that starts a TLS close of its own instance. SslStream.DisposeAsync does not go
    /// through Close, so a Close override alone does not make DisposeAsync a close. Types of other assemblies show
    /// no bodies: they count as not closing.
    /// </summary>
    internal sealed class SelfClosingTypes
    {
        private readonly KnownSymbols _symbols;
        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _overrides = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        public SelfClosingTypes(KnownSymbols symbols, Compilation compilation)
        {
            _symbols = symbols;
            _compilation = compilation;
        }

        public bool ClosesOnDisposal(ITypeSymbol? type, bool asynchronous, CancellationToken cancellationToken)
        {
            for (var t = type as INamedTypeSymbol; t != null && !SymbolEqualityComparer.Default.Equals(t, _symbols.SslStream); t = t.BaseType)
            {
                if (!_symbols.IsSslStream(t))
                {
                    return false;
                }

                foreach (var member in t.GetMembers())
                {
                    if (member is IMethodSymbol { IsOverride: true, DeclaringSyntaxReferences.Length: > 0 } method && IsDisposal(method, asynchronous)
                        && _overrides.GetOrAdd(method, m => ClosesThis(m, cancellationToken)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsDisposal(IMethodSymbol method, bool asynchronous) => asynchronous
            ? method.Name == "DisposeAsync" && method.Parameters.IsEmpty
            : (method.Name == "Close" && method.Parameters.IsEmpty) || (method.Name == "Dispose" && method.Parameters.Length == 1);

        private bool ClosesThis(IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var operation = _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, cancellationToken);
                if (operation == null)
                {
                    continue;
                }

                // Lambdas count: a close run through Task.Run(...).Wait() is still this override's close.
                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    if (descendant is IInvocationOperation invocation
                        && ((_symbols.IsShutdown(invocation.TargetMethod) && invocation.Instance is IInstanceReferenceOperation)
                            || (_symbols.IsRuntimeClose(invocation.TargetMethod) && invocation.Arguments.Length > 0
                                && OperationHelpers.StripConversions(invocation.Arguments[0].Value) is IInstanceReferenceOperation)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
