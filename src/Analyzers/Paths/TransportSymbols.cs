using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// The symbols of one body that are the transport under a TLS stream: the inner stream given to it, and what that
    /// stream came from (<c>tcp.GetStream()</c>, <c>new NetworkStream(socket)</c>, the object whose <c>Socket</c> it
    /// is), through copies, <c>??=</c>, pattern declarations, local functions and <c>Interlocked.Exchange(ref f, ...)</c>,
    /// a few steps deep. Parameters are kept as they are: the caller's argument is found across members
    /// (<see cref="TransportLinks"/>).
    /// </summary>
    internal static class TransportSymbols
    {
        // A bound, not a limit that matters: copies and helpers are a few steps, and each symbol is followed once.
        private const int MaxDepth = 8;

        public static HashSet<ISymbol> Of(IOperation root, IOperation inner, HashSet<ISymbol> tls)
        {
            var found = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var followed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var sources = SourcesIn(root);
            Add(inner, 0);
            return found;

            bool IsTls(IOperation source) => OperationHelpers.ReferencedSymbol(source) is { } copied && tls.Contains(copied);

            void Add(IOperation value, int depth)
            {
                if (depth > MaxDepth)
                {
                    return;
                }

                value = OperationHelpers.StripConversions(value)!;
                switch (value)
                {
                    case IInvocationOperation { TargetMethod.Name: "GetStream" } getStream when getStream.Instance != null:
                        Add(getStream.Instance, depth + 1);
                        return;
                    case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType.Name: "Interlocked" or "Volatile" } } exchange when !exchange.Arguments.IsEmpty:
                        // Interlocked.Exchange(ref _socket, null) and Volatile.Read(ref _socket) give the field's value.
                        Add(exchange.Arguments[0].Value, depth + 1);
                        return;
                    case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } local:
                        foreach (var returned in ReturnsOf(root, local.TargetMethod))
                        {
                            Add(returned, depth + 1);
                        }

                        return;
                    case IObjectCreationOperation { Type.Name: "NetworkStream", Arguments.IsEmpty: false } networkStream:
                        Add(networkStream.Arguments[0].Value, depth + 1);
                        return;
                    case ICoalesceOperation coalesce:
                        Add(coalesce.Value, depth + 1);
                        Add(coalesce.WhenNull, depth + 1);
                        return;
                    case IConditionalOperation conditional when conditional.WhenFalse != null:
                        Add(conditional.WhenTrue, depth + 1);
                        Add(conditional.WhenFalse, depth + 1);
                        return;
                    case IAwaitOperation awaited:
                        Add(awaited.Operation, depth + 1);
                        return;
                    case IPropertyReferenceOperation { Instance: { } instance } property when !(instance is IInstanceReferenceOperation):
                        // tcp.Client, _connection.Socket: the transport is owned by the object it is read from.
                        Add(instance, depth + 1);
                        return;
                }

                // A local that later holds the TLS stream (stream = ssl) held its transport before: its other values are
                // followed, the TLS stream is not.
                if (OperationHelpers.ReferencedSymbol(value) is { } symbol && (tls.Contains(symbol) ? followed.Add(symbol) : found.Add(symbol)))
                {
                    foreach (var (target, source) in sources)
                    {
                        if (SymbolEqualityComparer.Default.Equals(target, symbol) && !IsTls(source))
                        {
                            Add(source, depth + 1);
                        }
                    }
                }
            }
        }

        /// <summary>target ← value for every copy in the body: declarations, assignments, <c>??=</c>, <c>x is {} y</c>,
        /// and a local function's parameters ← the arguments of its calls.</summary>
        public static List<(ISymbol Target, IOperation Value)> SourcesIn(IOperation root)
        {
            var sources = new List<(ISymbol, IOperation)>();
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                        sources.Add((declarator.Symbol, initializer.Value));
                        break;
                    case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is { } target:
                        sources.Add((target, assignment.Value));
                        break;
                    case ICoalesceAssignmentOperation coalesce when OperationHelpers.ReferencedSymbol(coalesce.Target) is { } target:
                        sources.Add((target, coalesce.Value));
                        break;
                    case IIsPatternOperation { Pattern: var pattern } isPattern when BodyFactCollector.DeclaredBy(pattern) is { } declared:
                        sources.Add((declared, isPattern.Value));
                        break;
                    case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call:
                        foreach (var argument in call.Arguments)
                        {
                            if (argument.Parameter != null)
                            {
                                sources.Add((argument.Parameter.OriginalDefinition, argument.Value));
                            }
                        }

                        break;
                }
            }

            return sources;
        }

        /// <summary>The values a local function of the body returns.</summary>
        private static IEnumerable<IOperation> ReturnsOf(IOperation root, IMethodSymbol function)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalFunctionOperation local && SymbolEqualityComparer.Default.Equals(local.Symbol, function.OriginalDefinition)
                    && local.Body != null)
                {
                    foreach (var inner in local.Body.Descendants())
                    {
                        if (inner is IReturnOperation { ReturnedValue: { } returned })
                        {
                            yield return returned;
                        }
                    }
                }
            }
        }
    }
}
