using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// What happens in one member to an SslStream and its transport (TLS004): the uses of the TLS stream (where the
    /// walk starts), the closes of the transport (what is reported), and what ends the walk: the TLS stream shut down,
    /// disposed (explicitly or at the end of a using), replaced, or handed on to code that may close it.
    /// </summary>
    internal sealed class TransportEvents
    {
        private static readonly HashSet<string> CloseNames = new HashSet<string> { "Close", "Dispose", "DisposeAsync", "Shutdown", "Disconnect", "DisconnectAsync" };

        private readonly KnownSymbols _symbols;
        private readonly NormalPaths _paths;
        private readonly HashSet<ISymbol> _tls;
        private readonly HashSet<ISymbol> _transports;
        private readonly INamedTypeSymbol? _type;
        private readonly bool _tlsInField;

        public TransportEvents(KnownSymbols symbols, NormalPaths paths, HashSet<ISymbol> tls, HashSet<ISymbol> transports, INamedTypeSymbol? type)
        {
            _symbols = symbols;
            _paths = paths;
            _tls = tls;
            _transports = transports;
            _type = type;
            foreach (var symbol in tls)
            {
                _tlsInField |= symbol is IFieldSymbol or IPropertySymbol;
            }
        }

        public List<PathPoint> Uses { get; } = new List<PathPoint>();

        /// <summary>The transport closes: the call, what it closes ("tcp.Dispose"), where to report it.</summary>
        public List<(IInvocationOperation Call, string What, Location Location)> Closes { get; } = new List<(IInvocationOperation, string, Location)>();

        public List<PathPoint> ClosePoints { get; } = new List<PathPoint>();

        public List<PathPoint> Stops { get; } = new List<PathPoint>();

        public void Collect(IOperation root)
        {
            foreach (var operation in root.Descendants())
            {
                if (!_paths.TryLocate(operation.Syntax, out var point))
                {
                    continue;
                }

                switch (operation)
                {
                    case IInvocationOperation call:
                        VisitCall(call, point);
                        break;
                    case IObjectCreationOperation creation when PassesTls(creation.Arguments):
                        Stops.Add(point);
                        break;
                    case IReturnOperation { ReturnedValue: { } returned } when IsTls(returned):
                        Stops.Add(point);
                        break;
                    case ISimpleAssignmentOperation assignment when IsTls(assignment.Target) != IsTls(assignment.Value):
                        // Handed to another variable (it may be closed from there), or a new stream in this one.
                        Stops.Add(point);
                        break;
                }
            }

            // Disposals as the graph runs them: the Dispose at the end of a using has no call in the source.
            foreach (var (operation, point) in _paths.Operations())
            {
                if (operation is IInvocationOperation { IsImplicit: true } call && _symbols.IsDispose(call.TargetMethod) && call.Instance != null)
                {
                    var disposed = _paths.Resolve(OperationHelpers.StripConversions(call.Instance)!);
                    if (IsTls(disposed))
                    {
                        Stops.Add(point);
                    }
                    else if (OperationHelpers.ReferencedSymbol(disposed) is ILocalSymbol { DeclaringSyntaxReferences.Length: > 0 } local && _transports.Contains(local))
                    {
                        // using var tcp = ...: the transport closes where its scope ends; reported at its declaration.
                        Closes.Add((call, local.Name + "." + call.TargetMethod.Name + " (end of its using)", local.DeclaringSyntaxReferences[0].GetSyntax().GetLocation()));
                        ClosePoints.Add(point);
                    }
                }
            }
        }

        private void VisitCall(IInvocationOperation call, PathPoint point)
        {
            var receiver = call.Instance == null ? null : OperationHelpers.ResolveReceiver(call.Instance);
            if (receiver != null && IsTls(receiver))
            {
                if (_symbols.IsUse(call.TargetMethod))
                {
                    Uses.Add(point);
                }
                else if (_symbols.IsDispose(call.TargetMethod) || _symbols.ClosesReceiver(call.TargetMethod))
                {
                    Stops.Add(point);
                }

                return;
            }

            if (PassesTls(call.Arguments)
                || (_tlsInField && receiver is IInstanceReferenceOperation && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _type)))
            {
                // TlsClose.GracefulAsync(ssl), an owner taking it, a helper of this type that may close the field: nothing claimed.
                Stops.Add(point);
                return;
            }

            if (IsTransportClose(_symbols, call, _transports) is { } transport)
            {
                Closes.Add((call, transport + "." + call.TargetMethod.Name, OperationHelpers.OutermostCallExpression(call).Syntax.GetLocation()));
                ClosePoints.Add(point);
            }
        }

        /// <summary>The transport's name when <paramref name="call"/> closes one (Close, Dispose, Shutdown...).</summary>
        public static string? IsTransportClose(KnownSymbols symbols, IInvocationOperation call, HashSet<ISymbol> transports)
        {
            var receiver = call.Instance == null ? null : OperationHelpers.ResolveReceiver(call.Instance);
            return CloseNames.Contains(call.TargetMethod.Name) && receiver != null && !symbols.IsSslStream(receiver.Type) ? TransportName(receiver, transports) : null;
        }

        /// <summary>The transport's name when <paramref name="receiver"/> is one: the inner stream, the TcpClient, its Client socket.</summary>
        private static string? TransportName(IOperation receiver, HashSet<ISymbol> transports)
        {
            if (OperationHelpers.ReferencedSymbol(receiver) is { } symbol && transports.Contains(symbol))
            {
                return symbol.Name;
            }

            return receiver is IPropertyReferenceOperation { Property.Name: "Client", Instance: { } client } && OperationHelpers.ReferencedSymbol(client) is { } owner
                && transports.Contains(owner)
                ? owner.Name + ".Client"
                : null;
        }

        private bool PassesTls(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (IsTls(argument.Value))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsTls(IOperation operation) => OperationHelpers.ReferencedSymbol(operation) is { } symbol && _tls.Contains(symbol);
    }
}
