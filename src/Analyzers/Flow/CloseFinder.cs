using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Decides from what a try body really runs whether it can raise a TLS close error, or reads a TLS stream in a loop;
    /// returns a name for the message. The same walk serves a try and, at the end of the compilation, the methods it calls
    /// (<see cref="CloseReach"/>), each level asking its <see cref="CloseKnowledge"/>.
    /// </summary>
    internal static class CloseFinder
    {
        public const string OpenSslShutdownEntryPoint = "SSL_shutdown";

        /// <summary>How many calls down a close may be and still count: <c>session.CloseFully()</c> → <c>Disconnect()</c> → <c>_stream.Dispose()</c>.</summary>
        public const int MaxCallDepth = 3;

        /// <summary>
        /// What in <paramref name="body"/> can raise a TLS close error to the code around it: a shutdown, an OpenSSL
        /// shutdown, a runtime close that can throw, the drain after a shutdown, the disposal of a TLS stream that is not a
        /// TLS001 finding (a subclass closing itself, a dispose after the close, a failure path), a flushing owner's
        /// disposal, an owner's close or a call that reaches one of those. What a nested try keeps to itself does not count.
        /// </summary>
        public static (Verdict Raises, string? What, IOperation? At) FindClose(CloseKnowledge knowledge, IOperation body, IOperation root, int depth)
        {
            (Verdict, string?, IOperation?) pending = (Verdict.No, null, null);
            foreach (var operation in Reached(knowledge.Types.Catches, body))
            {
                var (raises, what) = Raises(knowledge, operation, root, depth);
                if (raises == Verdict.Yes)
                {
                    return (raises, what, operation);
                }

                if (raises == Verdict.Unknown && pending.Item1 == Verdict.No)
                {
                    pending = (raises, what, operation);
                }
            }

            return pending;
        }

        /// <summary>
        /// Whether the code calls anything that <see cref="FindClose"/> or <see cref="FindReadLoop"/> could take for a
        /// close or a read, by name alone, or calls the compilation's own code, or has a using: a cheap first test.
        /// </summary>
        public static bool MayCloseOrRead(IOperation body, IAssemblySymbol assembly)
        {
            foreach (var operation in OwnDescendants(body))
            {
                switch (operation)
                {
                    case IInvocationOperation { TargetMethod: var method }:
                        if (KnownSymbols.IsDisposeName(method.Name) || method.Name == "ShutdownAsync" || IsOwnRead(method) || method.Name == "BeginRead"
                            || method.IsExtern || method.IsPartialDefinition || method.ContainingType?.Name is "TlsClose" or "OpenSslShutdown"
                            || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, assembly))
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

        /// <summary>A read of a TLS stream (or of an owner of one) repeated by a loop: inside a loop in the try body, or a try inside a loop.</summary>
        public static (Verdict Reads, string? What) FindReadLoop(CloseKnowledge knowledge, ITryOperation tryOperation)
        {
            var tryInLoop = HasLoopAncestor(tryOperation, stopAt: null);
            (Verdict, string?) pending = (Verdict.No, null);
            foreach (var operation in OwnDescendants(tryOperation.Body))
            {
                if (operation is not IInvocationOperation invocation || !IsOwnRead(invocation.TargetMethod)
                    || !(tryInLoop || HasLoopAncestor(invocation, stopAt: tryOperation)))
                {
                    continue;
                }

                // A stream's read, or a BCL reader's (StreamReader.ReadLine over the TLS stream); or any Read* of the
                // compilation's own classes that keep one (a driver's data stream, its reply reader).
                var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
                var symbols = knowledge.Symbols;
                var direct = IsRead(symbols, invocation.TargetMethod) || symbols.IsSslStream(receiver?.Type) || symbols.IsOwnerLike(receiver?.Type)
                    ? knowledge.HoldsTls(receiver)
                    : Verdict.No;
                var reads = Or(direct, knowledge.IsOwner(receiver?.Type));
                if (reads == Verdict.Yes)
                {
                    return (reads, Describe(receiver));
                }

                if (reads == Verdict.Unknown && pending.Item1 == Verdict.No)
                {
                    pending = (reads, Describe(receiver));
                }
            }

            return pending;
        }

        public static Verdict Or(Verdict a, Verdict b) =>
            a == Verdict.Yes || b == Verdict.Yes ? Verdict.Yes : a == Verdict.Unknown || b == Verdict.Unknown ? Verdict.Unknown : Verdict.No;

        private static (Verdict, string?) Raises(CloseKnowledge knowledge, IOperation operation, IOperation root, int depth)
        {
            var symbols = knowledge.Symbols;
            switch (operation)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
                    if (symbols.IsShutdown(method))
                    {
                        return (Verdict.Yes, Describe(receiver));
                    }

                    if (KnownSymbols.IsNativeImport(method, OpenSslShutdownEntryPoint))
                    {
                        return (Verdict.Yes, OpenSslShutdownEntryPoint);
                    }

                    if (symbols.IsRuntimeClose(method) || method.ContainingType?.Name == "OpenSslShutdown")
                    {
                        var raises = knowledge.Types.RuntimeCloseRaises(symbols, method);
                        return (raises ? Verdict.Yes : Verdict.No, invocation.Arguments.Length > 0 ? Describe(invocation.Arguments[0].Value) : method.ContainingType!.Name);
                    }

                    if (IsRead(symbols, method) && knowledge.HoldsTls(receiver) == Verdict.Yes && IsShutDownBefore(symbols, receiver!, invocation, root))
                    {
                        return (Verdict.Yes, Describe(receiver));
                    }

                    if (KnownSymbols.IsDisposeName(method.Name) && receiver != null)
                    {
                        return Disposal(knowledge, invocation, receiver, depth);
                    }

                    return method.MethodKind != MethodKind.DelegateInvoke && !method.IsExtern ? knowledge.CallRaises(invocation, depth) : (Verdict.No, null);
                case IUsingOperation { Resources: var resources } usingStatement:
                    return UsingDisposal(knowledge, operation, resources, usingStatement.IsAsynchronous, depth);
                case IUsingDeclarationOperation declaration:
                    return UsingDisposal(knowledge, operation, declaration.DeclarationGroup, declaration.IsAsynchronous, depth);
                default:
                    return (Verdict.No, null);
            }
        }

        /// <summary>Dispose, Close, DisposeAsync or a pipe's Complete called on <paramref name="receiver"/>.</summary>
        private static (Verdict, string?) Disposal(CloseKnowledge knowledge, IInvocationOperation invocation, IOperation receiver, int depth)
        {
            var holds = knowledge.HoldsTls(receiver);
            if (holds == Verdict.Yes)
            {
                return knowledge.Types.WritesOnDisposal(receiver.Type) ? (Verdict.Yes, Describe(receiver)) : NotTls001s(knowledge, invocation, receiver);
            }

            // An owner's close (or any other object's): what its body does decides; a close it keeps to itself raises nothing here.
            return Unless(Or(holds, knowledge.IsOwner(receiver.Type)), knowledge.CallRaises(invocation, depth), receiver);
        }

        /// <summary>The end of a using that disposes a TLS stream or an owner of one.</summary>
        private static (Verdict, string?) UsingDisposal(CloseKnowledge knowledge, IOperation statement, IOperation resources, bool asynchronous, int depth)
        {
            var pending = (Verdict.No, (string?)null);
            foreach (var resource in Resources(resources))
            {
                var holds = knowledge.HoldsTls(resource);
                var found = holds == Verdict.Yes
                    ? (knowledge.Types.WritesOnDisposal(resource.Type) ? (Verdict.Yes, Describe(resource)) : NotTls001s(knowledge, statement, resource))
                    : Unless(holds, knowledge.DisposalRaises(resource, asynchronous, depth), resource);
                if (found.Item1 == Verdict.Yes)
                {
                    return found;
                }

                if (found.Item1 == Verdict.Unknown)
                {
                    pending = found;
                }
            }

            return pending;
        }

        /// <summary>An answer that stays unknown while whether the receiver holds a TLS stream is.</summary>
        private static (Verdict, string?) Unless(Verdict holds, (Verdict Raises, string? What) found, IOperation receiver) =>
            found.Raises == Verdict.No && holds == Verdict.Unknown ? (Verdict.Unknown, Describe(receiver)) : found;

        /// <summary>A disposal of a TLS stream raises nothing of a close when it is TLS001's finding (see <see cref="CloseKnowledge.Tls001Reports"/>).</summary>
        private static (Verdict, string?) NotTls001s(CloseKnowledge knowledge, IOperation disposal, IOperation receiver) =>
            (knowledge.Tls001Reports(disposal, receiver) switch { Verdict.Yes => Verdict.No, Verdict.No => Verdict.Yes, _ => Verdict.Unknown }, Describe(receiver));

        private static IEnumerable<IOperation> Resources(IOperation resources)
        {
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        if (declarator.Initializer != null)
                        {
                            yield return declarator.Initializer.Value;
                        }
                    }
                }
            }
            else
            {
                yield return resources;
            }
        }

        private static bool IsRead(KnownSymbols symbols, IMethodSymbol method) =>
            symbols.IsUse(method) && (method.Name.StartsWith("Read", System.StringComparison.Ordinal) || method.Name == "BeginRead");

        /// <summary>ReadLine, ReadAsync, ReadReply...: an owner's reads read its TLS stream.</summary>
        private static bool IsOwnRead(IMethodSymbol method) => method.Name.StartsWith("Read", System.StringComparison.Ordinal) || method.Name == "BeginRead";

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

        public static string Describe(IOperation? operation)
        {
            // A using's resource is named by the variable it declares (using (var session = new Session(...))).
            var declared = operation?.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } ? declarator.Symbol : null;
            var symbol = declared ?? OperationHelpers.ReferencedSymbol(operation) ?? (OperationHelpers.StripConversions(operation) as IMemberReferenceOperation)?.Member;
            return symbol != null ? "'" + symbol.Name + "'" : operation == null ? "the TLS stream" : "'" + operation.Syntax + "'";
        }

        /// <summary>The call as the message names it: <c>'session.CloseFully()'</c>, <c>'Disconnect()'</c>.</summary>
        public static string DescribeCall(IInvocationOperation call)
        {
            var receiver = OperationHelpers.ResolveReceiver(call.Instance);
            var name = call.TargetMethod.Name + "()";
            return receiver == null || receiver is IInstanceReferenceOperation ? "'" + name + "'" : "'" + Describe(receiver).Trim('\'') + "." + name + "'";
        }

        /// <summary>Descendants that run as part of this code: not the bodies of lambdas and local functions.</summary>
        public static IEnumerable<IOperation> OwnDescendants(IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                yield return current;
                PushChildren(stack, current, skip: null);
            }
        }

        /// <summary>Children pushed last first, so that the walk meets them in source order (the message names the first).</summary>
        private static void PushChildren(Stack<IOperation> stack, IOperation parent, IOperation? skip)
        {
            var start = stack.Count;
            foreach (var child in parent.ChildOperations)
            {
                if (child is not IAnonymousFunctionOperation and not ILocalFunctionOperation && child != skip)
                {
                    stack.Push(child);
                }
            }

            // Reverse the children just pushed.
            if (stack.Count - start < 2)
            {
                return;
            }

            var pushed = new IOperation[stack.Count - start];
            for (var i = 0; i < pushed.Length; i++)
            {
                pushed[i] = stack.Pop();
            }

            foreach (var child in pushed)
            {
                stack.Push(child);
            }
        }

        /// <summary>
        /// Like <see cref="OwnDescendants"/>, without the bodies of nested tries that keep every error to themselves, and
        /// without catch blocks: what a catch block closes is the cleanup of another error (a failed write that disconnects
        /// and rethrows), not the close the code around asked for.
        /// </summary>
        private static IEnumerable<IOperation> Reached(CatchClauses catches, IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                if (current is ICatchClauseOperation)
                {
                    continue;
                }

                yield return current;
                var skip = current != root && current is ITryOperation nested && catches.KeepsEverything(nested) ? nested.Body : null;
                PushChildren(stack, current, skip);
            }
        }
    }
}
