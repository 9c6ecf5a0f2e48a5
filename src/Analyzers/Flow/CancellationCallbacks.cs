using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Is code run as a <c>CancellationToken.Register</c> callback? A lambda or local function handed to it, or a method
    /// of the type handed to it as a method group. An exception escaping there surfaces from <c>Cancel()</c>, often inside
    /// a <c>Dispose</c>: TLS003 says nothing about a catch there, since narrowing it opens that throw path (issue 25).
    /// </summary>
    internal sealed class CancellationCallbacks
    {
        private readonly CloseTypes _types;
        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _methods = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        // A type's Register calls, read once per type: a driver's connection classes are large and partial, and asking
        // for each of their methods walked all of their syntax again (most of TLS003's time on a large library).
        private readonly ConcurrentDictionary<INamedTypeSymbol, InvocationExpressionSyntax[]> _registrations =
            new ConcurrentDictionary<INamedTypeSymbol, InvocationExpressionSyntax[]>(SymbolEqualityComparer.Default);

        public CancellationCallbacks(CloseTypes types, Compilation compilation)
        {
            _types = types;
            _compilation = compilation;
        }

        public bool IsInCallback(IOperation operation, ISymbol member, CancellationToken cancellationToken)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: var call } } && _types.IsCancellationRegistration(call);
                    case ILocalFunctionOperation local:
                        return OperationHelpers.RootOf(local).Descendants().Any(o => RegistersMethod(o, local.Symbol));
                }
            }

            return member is IMethodSymbol method && _methods.GetOrAdd(method, m => IsRegisteredByItsType(m, cancellationToken));
        }

        private bool RegistersMethod(IOperation operation, IMethodSymbol method) =>
            _types.IsCancellationRegistration(operation)
            && ((IInvocationOperation)operation).Arguments.Any(a => a.Value is IDelegateCreationOperation { Target: IMethodReferenceOperation reference }
                && SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, method.OriginalDefinition));

        /// <summary>A method group handed to Register in its own type's code: found by name in the syntax first, then checked.</summary>
        private bool IsRegisteredByItsType(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var invocation in _registrations.GetOrAdd(type, t => RegistrationsOf(t, cancellationToken)))
            {
                if (invocation.ArgumentList.Arguments.Any(a => Name(a.Expression) == method.Name)
                    && _compilation.GetSemanticModel(invocation.SyntaxTree).GetOperation(invocation, cancellationToken) is { } operation
                    && RegistersMethod(operation, method))
                {
                    return true;
                }
            }

            return false;
        }

        private static InvocationExpressionSyntax[] RegistrationsOf(INamedTypeSymbol type, CancellationToken cancellationToken) =>
            type.DeclaringSyntaxReferences
                .SelectMany(reference => reference.GetSyntax(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                .Where(invocation => Name(invocation.Expression) is "Register" or "UnsafeRegister")
                .ToArray();

        private static string? Name(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };
    }
}
