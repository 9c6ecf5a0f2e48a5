using System;
using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>A transport close met in a body: the operation to report and what it closes; or a call of a method of
    /// the scope that closes the transport itself (<see cref="ScopeCallee"/>): judged there, reached from here.</summary>
    internal readonly struct ScopeClose
    {
        public ScopeClose(IOperation site, string what, IMethodSymbol? scopeCallee)
        {
            Site = site;
            What = what;
            ScopeCallee = scopeCallee;
        }

        public IOperation Site { get; }

        public string What { get; }

        public IMethodSymbol? ScopeCallee { get; }
    }

    /// <summary>
    /// What one body does to a scope's instance (<c>this</c>, or a local, parameter or field of the scope's type): the
    /// transport closes (direct, through an alias, through a helper that disposes its argument, through a method of the
    /// compilation that closes it), and the stops: an owner of the TLS stream closed, disposed, handed on, replaced or
    /// returned, or a method called that may do so. Branches on which the TLS stream is null, not authenticated or its
    /// handshake failed end the paths (<see cref="NoSession"/>).
    /// </summary>
    internal sealed class ScopeEvents
    {
        private static readonly HashSet<string> CloseNames = new HashSet<string> { "Close", "Dispose", "DisposeAsync", "Shutdown", "Disconnect", "DisconnectAsync" };

        private readonly ScopeAnalysis _analysis;
        private readonly ISymbol? _instance;
        private readonly Dictionary<ISymbol, ISymbol> _aliases = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);

        private ScopeEvents(ScopeAnalysis analysis, NormalPaths? paths, ISymbol? instance)
        {
            _analysis = analysis;
            Paths = paths;
            _instance = instance;
        }

        /// <summary>The body's paths; null when it was only scanned (it closes no transport: nothing to walk).</summary>
        public NormalPaths? Paths { get; }

        /// <summary>The transport closes, and the calls of scope methods that close it themselves (the walk's targets).</summary>
        public List<ScopeClose> Closes { get; } = new List<ScopeClose>();

        public List<PathPoint> ClosePoints { get; } = new List<PathPoint>();

        public List<PathPoint> Stops { get; } = new List<PathPoint>();

        public NoSession? DeadSides { get; private set; }

        /// <summary>The body may close the TLS stream (an owner closed, disposed, handed on...), on a path that is not a catch.</summary>
        public bool MayCloseOwner { get; private set; }

        /// <summary>The targets reached from the body's entry, the first on each normal path.</summary>
        public List<int> ReachedFromEntry() =>
            Paths == null ? new List<int>() : Paths.Reached(new PathPoint(0, -1, -1), ClosePoints, Stops, v => DeadSides!.DeadSide(v), targetsStop: true);

        /// <summary>The events of <paramref name="body"/>. A body is first scanned without a graph: most close no transport,
        /// and then what may close the TLS stream is all that is asked of them. Null when a body that closes a transport
        /// has no graph (an expression-bodied accessor, say).</summary>
        public static ScopeEvents? Of(ScopeAnalysis analysis, MemberBody body, ISymbol? instance)
        {
            var scan = new ScopeEvents(analysis, null, instance);
            scan.Collect(body.Root);
            if (scan.Closes.Count == 0)
            {
                return scan;
            }

            if (analysis.Graph(body) is not { } graph)
            {
                return null;
            }

            var events = new ScopeEvents(analysis, new NormalPaths(graph), instance);
            events.Collect(body.Root);
            return events;
        }

        private void Collect(IOperation root)
        {
            DeadSides = Paths == null ? null : new NoSession(_analysis.Symbols, Paths, root, IsHolder);
            foreach (var child in root.ChildOperations)
            {
                Walk(child, inFunction: false);
            }

            // Disposals as the graph runs them: the Dispose at the end of a using has no call in the source.
            if (Paths == null)
            {
                return;
            }

            foreach (var (operation, point) in Paths.Operations())
            {
                if (operation is IInvocationOperation { IsImplicit: true } call && _analysis.Symbols.IsDispose(call.TargetMethod) && call.Instance != null
                    && IsOwner(Paths.Resolve(OperationHelpers.StripConversions(call.Instance)!)))
                {
                    Stop(point, null);
                }
            }
        }

        /// <summary>One pass in source order: copies are known before their uses. Lambdas and local functions run when they
        /// are called, not here: what they do only counts for "may this body close the TLS stream".</summary>
        private void Walk(IOperation operation, bool inFunction)
        {
            NoteAlias(operation);
            if (inFunction)
            {
                MayCloseOwner |= operation is IInvocationOperation lambdaCall && ClosesOwner(lambdaCall);
            }
            else if (Paths == null)
            {
                Visit(operation, default);
                MayCloseOwner |= operation is IUsingOperation { Resources: var resource } && (IsOwner(resource) || DeclaresOwner(resource))
                    || (operation is IUsingDeclarationOperation declaration && DeclaresOwner(declaration.DeclarationGroup));
            }
            else if (Paths.TryLocate(operation.Syntax, out var point))
            {
                Visit(operation, point);
            }

            var nested = inFunction || operation is IAnonymousFunctionOperation or ILocalFunctionOperation;
            foreach (var child in operation.ChildOperations)
            {
                Walk(child, nested);
            }
        }

        private void NoteAlias(IOperation operation)
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when Member(initializer.Value) is { } copied:
                    _aliases[declarator.Symbol] = copied;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when Member(assignment.Value) is { } assigned:
                    _aliases[local.Local] = assigned;
                    break;
                case IIsPatternOperation { Pattern: var pattern } isPattern when BodyFactCollector.DeclaredBy(pattern) is { } declared && Member(isPattern.Value) is { } tested:
                    _aliases[declared] = tested;
                    break;
            }
        }

        private void Visit(IOperation operation, PathPoint point)
        {
            switch (operation)
            {
                case IInvocationOperation call:
                    VisitCall(call, point);
                    break;
                case IObjectCreationOperation creation when PassesHolder(creation.Arguments):
                    Stop(point, operation);
                    break;
                case IReturnOperation { ReturnedValue: { } returned } when IsHolder(returned):
                    Stop(point, operation);
                    break;
                case ISimpleAssignmentOperation assignment when IsHolder(assignment.Value) && assignment.Target is not ILocalReferenceOperation && !IsOwner(assignment.Target):
                    // Handed to another object: it may be closed from there.
                    Stop(point, operation);
                    break;
                case ISimpleAssignmentOperation assignment when IsHolder(assignment.Target):
                    // Replaced or dropped here: what it held is out of this walk's sight (a new stream is no close).
                    Stops.Add(point);
                    break;
            }
        }

        private bool DeclaresOwner(IOperation resource) =>
            resource is IVariableDeclarationGroupOperation group && group.Declarations.Any(d => d.Declarators.Any(v => v.Initializer != null && IsOwner(v.Initializer.Value)));

        private void VisitCall(IInvocationOperation call, PathPoint point)
        {
            var receiver = call.Instance == null ? null : Resolve(OperationHelpers.ResolveReceiver(call.Instance)!);
            var member = receiver == null ? null : Member(receiver);
            if (member != null && _analysis.Scope.Owners.Contains(member))
            {
                // On the stream: reading, writing, handshaking are uses; anything else (Dispose, ShutdownAsync, Complete...)
                // may close it. On an object that owns it (a handler holding it): its disposal.
                if (_analysis.Scope.TypeOwners.Contains(member)
                    ? call.TargetMethod.Name is "Dispose" or "Close" or "DisposeAsync"
                    : !_analysis.Symbols.IsUse(call.TargetMethod))
                {
                    Stop(point, call);
                }

                return;
            }

            if (CloseNames.Contains(call.TargetMethod.Name) && receiver != null && TransportName(receiver) is { } transport)
            {
                AddClose(point, call, transport + "." + call.TargetMethod.Name, null);
                return;
            }

            foreach (var argument in call.Arguments)
            {
                if ((IsHolder(argument.Value) && !_analysis.Symbols.IsStreamMethod(call.TargetMethod))
                    || (IsOwner(argument.Value) && argument.Parameter is { } disposing && _analysis.Model.DisposesParameter(disposing.OriginalDefinition)))
                {
                    // TlsClose.Notify(_ssl), an owner taking it, a helper that may close it: nothing claimed past here.
                    Stop(point, call);
                    return;
                }

                if (argument.Parameter is { } parameter && Member(argument.Value) is { } passed && _analysis.Scope.Transports.Contains(passed)
                    && _analysis.Model.DisposesParameter(parameter.OriginalDefinition))
                {
                    // Utility.Dispose(ref _stream), SafeDispose(ref _socket): a helper that disposes what it is given.
                    AddClose(point, call, passed.Name + " (" + call.TargetMethod.Name + ")", null);
                    return;
                }
            }

            if (OnInstance(receiver, call) && _analysis.SummaryOf(call) is { } summary)
            {
                if (summary.ClosesTransportFirst && PassesException(call, _analysis.Exception))
                {
                    // HandleFailure(ex), Close(new IOException(...)): an error is being handled, like in a catch; nothing
                    // is owed to a peer the connection failed with, and the callee is not entered with a live stream.
                    Stop(point, call);
                    return;
                }

                if (summary.ClosesTransportFirst)
                {
                    // A callee that sees the TLS stream itself is judged (and reported) there, reached from here; one that
                    // does not (a base class of the plain transport) closes it here, as far as this scope is concerned.
                    AddClose(point, call, CallName(call), _analysis.Scope.Covers(call.TargetMethod.ContainingType) ? call.TargetMethod : null);
                }

                if (summary.MayCloseOwner)
                {
                    Stop(point, call);
                }
            }
        }

        private IOperation Resolve(IOperation operation) => Paths?.Resolve(operation) ?? operation;

        private static bool PassesException(IInvocationOperation call, INamedTypeSymbol? exception)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.Explicit && argument.Value.ConstantValue is not { HasValue: true }
                    && DerivesFrom(OperationHelpers.StripConversions(argument.Value)?.Type, exception))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
        {
            for (var t = type; t != null && baseType != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        private void Stop(PathPoint point, IOperation? at)
        {
            DebugTrace.Write($"    stop: {at?.Syntax.ToString().Replace("\n", " ")}");
            Stops.Add(point);
            MayCloseOwner |= at == null || !InCatch(at);
        }

        private static bool InCatch(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is ICatchClauseOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private void AddClose(PathPoint point, IInvocationOperation call, string what, IMethodSymbol? scopeCallee)
        {
            Closes.Add(new ScopeClose(OperationHelpers.OutermostCallExpression(call), what, scopeCallee));
            ClosePoints.Add(point);
        }

        /// <summary>A call on the scope's instance: <c>this.M()</c>, <c>base.M()</c>, <c>M()</c>, or <c>x.M()</c> for the instance <c>x</c>.</summary>
        private bool OnInstance(IOperation? receiver, IInvocationOperation call)
        {
            if (call.TargetMethod.IsStatic)
            {
                return false;
            }

            return _instance == null
                ? receiver is IInstanceReferenceOperation or null
                : receiver != null && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(receiver), _instance);
        }

        /// <summary>The call as written, without its arguments: <c>base.Close</c>, <c>session.Kick</c>.</summary>
        private static string CallName(IInvocationOperation call) =>
            call.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax invocation ? invocation.Expression.ToString() : call.TargetMethod.Name;

        /// <summary>The transport as the code names it, when <paramref name="receiver"/> is one: a member, an alias of one,
        /// its Client socket.</summary>
        private string? TransportName(IOperation receiver)
        {
            var isTransport = (Member(receiver) is { } member && _analysis.Scope.Transports.Contains(member))
                || (receiver is IPropertyReferenceOperation { Property.Name: "Client" or "Socket", Instance: { } owner } && Member(owner) is { } ownerMember
                    && _analysis.Scope.Transports.Contains(ownerMember));
            return isTransport ? receiver.Syntax.ToString() : null;
        }

        private bool ClosesOwner(IInvocationOperation call) =>
            call.Instance != null && IsOwner(OperationHelpers.ResolveReceiver(call.Instance)!) && !_analysis.Symbols.IsUse(call.TargetMethod);

        private bool PassesHolder(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (IsHolder(argument.Value))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsOwner(IOperation operation) => Member(operation) is { } member && _analysis.Scope.Owners.Contains(member);

        /// <summary>A member that may hold the TLS stream itself, or a reader or pipe over it (not an object whose fields own it).</summary>
        private bool IsHolder(IOperation operation) =>
            Member(operation) is { } member && _analysis.Scope.Owners.Contains(member) && !_analysis.Scope.TypeOwners.Contains(member);

        /// <summary>The scope member an operation reads: <c>_ssl</c>, <c>this.Socket</c>, <c>x.Socket</c> for the instance
        /// <c>x</c>, or a local copied from one (<c>var s = _socket;</c>, <c>Interlocked.Exchange(ref _socket, null)</c>).</summary>
        public ISymbol? Member(IOperation? operation)
        {
            operation = OperationHelpers.StripConversions(operation);
            if (operation == null)
            {
                return null;
            }

            operation = OperationHelpers.StripConversions(Resolve(operation))!;
            switch (operation)
            {
                case ILocalReferenceOperation local when _aliases.TryGetValue(local.Local, out var aliased):
                    return aliased;
                case ICoalesceOperation coalesce:
                    return Member(coalesce.Value);
                case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType.Name: "Interlocked" or "Volatile" } } exchange when !exchange.Arguments.IsEmpty:
                    return Member(exchange.Arguments[0].Value);
                case IFieldReferenceOperation field:
                    return OfInstance(field.Instance) ? field.Field.OriginalDefinition : null;
                case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                    return OfInstance(property.Instance) ? property.Property.OriginalDefinition : null;
                default:
                    return null;
            }
        }

        private bool OfInstance(IOperation? instance) =>
            _instance == null
                ? instance is null or IInstanceReferenceOperation
                : instance != null && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(instance), _instance);
    }
}
