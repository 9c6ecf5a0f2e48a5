using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Finds, in a try body, what closes or drains a TLS connection, or a loop reading one; returns a name for the message.</summary>
    internal static class CloseFinder
    {
        public const string OpenSslShutdownEntryPoint = "SSL_shutdown";

        public static string? FindClose(KnownSymbols symbols, TlsStreamReferences tls, IOperation body, IOperation root)
        {
            foreach (var operation in OwnDescendants(body))
            {
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        var method = invocation.TargetMethod;
                        var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
                        if (symbols.IsShutdown(method)
                            || (symbols.IsDispose(method) && tls.IsTls(receiver))
                            || (KnownSymbols.IsDisposeName(method.Name) && tls.IsOwner(receiver))
                            || (IsRead(symbols, method) && tls.IsTls(receiver) && IsShutDownBefore(symbols, receiver!, invocation, root)))
                        {
                            return Describe(receiver);
                        }

                        if (symbols.IsRuntimeClose(method))
                        {
                            return invocation.Arguments.Length > 0 ? Describe(invocation.Arguments[0].Value) : method.ContainingType.Name;
                        }

                        if (KnownSymbols.IsNativeImport(method, OpenSslShutdownEntryPoint))
                        {
                            return OpenSslShutdownEntryPoint;
                        }

                        break;
                    case IUsingOperation { Resources: var resources } when DisposesTls(tls, resources):
                        return Describe(resources);
                    case IUsingDeclarationOperation declaration when DisposesTls(tls, declaration.DeclarationGroup):
                        return Describe(declaration.DeclarationGroup);
                }
            }

            return null;
        }

        /// <summary>
        /// Whether the code calls anything that <see cref="FindClose"/> or <see cref="FindReadLoop"/> could take for a
        /// close or a read, by name alone (or has a using): a cheap first test before any symbol is compared.
        /// </summary>
        public static bool MayCloseOrRead(IOperation body)
        {
            foreach (var operation in OwnDescendants(body))
            {
                switch (operation)
                {
                    case IInvocationOperation { TargetMethod: var method }:
                        if (KnownSymbols.IsDisposeName(method.Name) || method.Name == "ShutdownAsync" || IsOwnRead(method) || method.Name == "BeginRead"
                            || method.IsExtern || method.IsPartialDefinition || method.ContainingType?.Name == "TlsClose")
                        {
                            return true;
                        }

                        break;
                    case IUsingOperation:
                    case IUsingDeclarationOperation:
                        return true;
                }
            }

            return false;
        }

        /// <summary>A read of a TLS stream repeated by a loop: inside a loop in the try body, or a try inside a loop.</summary>
        public static string? FindReadLoop(KnownSymbols symbols, TlsStreamReferences tls, ITryOperation tryOperation)
        {
            var tryInLoop = HasLoopAncestor(tryOperation, stopAt: null);
            foreach (var operation in OwnDescendants(tryOperation.Body))
            {
                if (operation is IInvocationOperation invocation
                    && OperationHelpers.ResolveReceiver(invocation.Instance) is var receiver
                    && ((IsRead(symbols, invocation.TargetMethod) && tls.IsTls(receiver)) || (IsOwnRead(invocation.TargetMethod) && tls.IsOwner(receiver)))
                    && (tryInLoop || HasLoopAncestor(invocation, stopAt: tryOperation)))
                {
                    return Describe(receiver);
                }
            }

            return null;
        }

        private static bool IsRead(KnownSymbols symbols, IMethodSymbol method) =>
            symbols.IsUse(method) && (method.Name.StartsWith("Read", System.StringComparison.Ordinal) || method.Name == "BeginRead");

        /// <summary>ReadLine, ReadAsync, ReadReply...: an owner's reads read its TLS stream.</summary>
        private static bool IsOwnRead(IMethodSymbol method) => method.Name.StartsWith("Read", System.StringComparison.Ordinal);

        private static bool DisposesTls(TlsStreamReferences tls, IOperation resources)
        {
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        if (declarator.Initializer != null && (tls.IsTls(declarator.Initializer.Value) || tls.IsOwner(declarator.Initializer.Value)))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            return tls.IsTls(resources) || tls.IsOwner(resources);
        }

        /// <summary>Reads after a ShutdownAsync of the same stream are the drain of a graceful close.</summary>
        private static bool IsShutDownBefore(KnownSymbols symbols, IOperation receiver, IOperation read, IOperation root)
        {
            var stream = OperationHelpers.ReferencedSymbol(receiver);
            if (stream == null)
            {
                return false;
            }

            foreach (var operation in root.Descendants())
            {
                if (operation is IInvocationOperation invocation
                    && invocation.Syntax.SpanStart < read.Syntax.SpanStart
                    && symbols.IsShutdown(invocation.TargetMethod)
                    && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(invocation.Instance)), stream))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasLoopAncestor(IOperation operation, IOperation? stopAt)
        {
            for (var parent = operation.Parent; parent != null && parent != stopAt; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation:
                        return true;
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        private static string Describe(IOperation? operation)
        {
            var symbol = OperationHelpers.ReferencedSymbol(operation);
            if (symbol != null)
            {
                return "'" + symbol.Name + "'";
            }

            if (operation is IVariableDeclarationGroupOperation group && group.Declarations.Length > 0 && group.Declarations[0].Declarators.Length > 0)
            {
                return "'" + group.Declarations[0].Declarators[0].Symbol.Name + "'";
            }

            return operation == null ? "the TLS stream" : "'" + operation.Syntax + "'";
        }

        /// <summary>Descendants that run as part of this code: not the bodies of lambdas and local functions.</summary>
        private static IEnumerable<IOperation> OwnDescendants(IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                yield return current;
                foreach (var child in current.ChildOperations)
                {
                    if (child is not IAnonymousFunctionOperation and not ILocalFunctionOperation)
                    {
                        stack.Push(child);
                    }
                }
            }
        }
    }
}
