using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The one answer to "did the handshake fail without an exception?" (issue 26, shape 6), for TLS001's walk of the
    /// operation tree and TLS004's walks of control-flow graphs (<c>Paths.NoSession</c>): the conditions that say a tracked
    /// stream's handshake failed: the handshake task lost a race against a timer (<c>await Task.WhenAny(handshake,
    /// Task.Delay(t)) != handshake</c>, <c>winner == timer</c>), was found faulted or cancelled (<c>IsFaulted</c>,
    /// <c>Status</c>, <c>Exception != null</c>, <c>!IsCompletedSuccessfully</c>, <c>!handshake.Wait(t)</c>), or the stream
    /// is not authenticated (<c>!ssl.IsAuthenticated</c>). On that side of the condition the stream owes no close_notify:
    /// a TLS session that never started cannot be closed with one. Which stream an expression names, and what a
    /// control-flow graph's capture stands for, the caller says.
    /// </summary>
    internal sealed class HandshakeOutcomes
    {
        private readonly KnownSymbols _symbols;
        private readonly IOperation _body;
        private readonly System.Func<IOperation?, int> _streamOf;
        private readonly System.Func<int, ulong> _groupOf;
        private readonly System.Func<IOperation, IOperation> _resolve;
        private readonly bool _oneStream;
        private Dictionary<ISymbol, int>? _tasks;
        private Dictionary<ISymbol, (int Entity, List<ISymbol> Others)>? _winners;
        private HashSet<ISymbol>? _timers;

        private HandshakeOutcomes(KnownSymbols symbols, IOperation body, System.Func<IOperation?, int> streamOf, System.Func<int, ulong> groupOf, System.Func<IOperation, IOperation> resolve, bool oneStream)
        {
            _symbols = symbols;
            _body = body;
            _streamOf = streamOf;
            _groupOf = groupOf;
            _resolve = resolve;
            _oneStream = oneStream;
        }

        /// <summary>For TLS001's walk: the streams are the entities of the table, their groups fail together.</summary>
        public static HandshakeOutcomes ForEntities(KnownSymbols symbols, EntityTable entities, IOperation body) =>
            new HandshakeOutcomes(symbols, body, entities.IndexOf, entities.GroupOf, operation => operation, oneStream: false);

        /// <summary>For a walk of one TLS stream over a control-flow graph (TLS004): <paramref name="isTracked"/> says whether
        /// an expression is the stream, <paramref name="resolve"/> what a flow capture stands for; the answer is bit 0.</summary>
        public static HandshakeOutcomes ForOneStream(KnownSymbols symbols, IOperation body, System.Func<IOperation, bool> isTracked, System.Func<IOperation, IOperation> resolve) =>
            new HandshakeOutcomes(symbols, body, operation => operation != null && isTracked(resolve(operation)) ? 0 : -1, _ => 1UL, resolve, oneStream: true);

        /// <summary>The names whose handshake failed where the condition is true, and where it is false.</summary>
        public (ulong WhenTrue, ulong WhenFalse) Failed(IOperation condition)
        {
            switch (Resolved(condition))
            {
                case IPropertyReferenceOperation { Property.Name: "IsAuthenticated" or "IsEncrypted" } property
                    when IsAuthenticatedStreamMember(property.Property) && _streamOf(property.Instance) is var stream && stream >= 0:
                    return (0, _groupOf(stream));
                case IPropertyReferenceOperation { Property.Name: "IsFaulted" or "IsCanceled" } property when Handshake(property.Instance) is var faulted && faulted >= 0:
                    return (_groupOf(faulted), 0);
                case IPropertyReferenceOperation { Property.Name: "IsCompletedSuccessfully" } property when Handshake(property.Instance) is var succeeded && succeeded >= 0:
                    return (0, _groupOf(succeeded));
                case IInvocationOperation { TargetMethod.Name: "Wait", TargetMethod.ReturnType.SpecialType: SpecialType.System_Boolean } wait
                    when Handshake(wait.Instance) is var waited && waited >= 0:
                    return (0, _groupOf(waited));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    var (whenEqual, whenDifferent) = Compared(comparison.LeftOperand, comparison.RightOperand);
                    return comparison.OperatorKind == BinaryOperatorKind.Equals ? (whenEqual, whenDifferent) : (whenDifferent, whenEqual);
            }

            return (0, 0);
        }

        /// <summary>A switch section of <c>switch (handshake.Status)</c> for Faulted or Canceled: the names whose handshake failed there.</summary>
        public ulong FailedInSection(IOperation switchValue, ISwitchCaseOperation section)
        {
            if (Resolved(switchValue) is not IPropertyReferenceOperation { Property.Name: "Status" } status)
            {
                return 0;
            }

            var task = Handshake(status.Instance);
            if (task < 0)
            {
                return 0;
            }

            foreach (var clause in section.Clauses)
            {
                if (clause is not ISingleValueCaseClauseOperation { Value: { } value } || !IsFailedStatus(value))
                {
                    return 0;
                }
            }

            return section.Clauses.IsEmpty ? 0 : _groupOf(task);
        }

        /// <summary>(failed when equal, failed when different) for <c>a == b</c>.</summary>
        private (ulong WhenEqual, ulong WhenDifferent) Compared(IOperation left, IOperation right)
        {
            left = Resolved(left);
            right = Resolved(right);
            // handshake.Status == TaskStatus.Faulted; handshake.Exception != null.
            foreach (var (status, constant) in new[] { (left, right), (right, left) })
            {
                if (OperationHelpers.StripConversions(status) is IPropertyReferenceOperation { Property.Name: "Status" or "Exception" } property
                    && Handshake(property.Instance) is var task && task >= 0)
                {
                    var group = _groupOf(task);
                    if (property.Property.Name == "Exception")
                    {
                        return constant.ConstantValue is { HasValue: true, Value: null } ? (0UL, group) : (0UL, 0UL);
                    }

                    return IsFailedStatus(constant) ? (group, 0UL) : IsStatus(constant, "RanToCompletion") ? (0UL, group) : (0UL, 0UL);
                }
            }

            // await Task.WhenAny(handshake, timeout) == handshake; winner == timeout.
            foreach (var (race, other) in new[] { (left, right), (right, left) })
            {
                if (Race(race) is var (entity, others) && entity >= 0)
                {
                    var group = _groupOf(entity);
                    if (Handshake(other) == entity)
                    {
                        return (0, group);
                    }

                    if (Tuples.PlaceSymbol(other) is { } symbol && others.Contains(symbol))
                    {
                        return (group, 0);
                    }
                }
            }

            // winner == timer, where the winner's race is not known here: a local assigned Task.Delay lost or won a race, and
            // of one tracked stream, that is the stream's handshake (a walk of many streams cannot tell which).
            foreach (var (timer, other) in new[] { (left, right), (right, left) })
            {
                if (_oneStream && Tuples.PlaceSymbol(timer) is ILocalSymbol local && Timers().Contains(local) && other.ConstantValue is not { HasValue: true })
                {
                    return (_groupOf(0), 0);
                }
            }

            // handshake == task: the task that finished first (of a race this method does not show) is the handshake.
            foreach (var (handshake, other) in new[] { (left, right), (right, left) })
            {
                if (_oneStream && Handshake(handshake) is var entity && entity >= 0 && Handshake(other) < 0 && other.Type is { Name: "Task" } && other.ConstantValue is not { HasValue: true })
                {
                    return (0, _groupOf(entity));
                }
            }

            return (0, 0);
        }

        /// <summary>Locals assigned <c>Task.Delay(...)</c>: the timer of a race.</summary>
        private HashSet<ISymbol> Timers()
        {
            if (_timers == null)
            {
                _timers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                foreach (var operation in _body.Descendants())
                {
                    if (operation is IVariableDeclaratorOperation { Initializer: { } initializer } declarator
                        && OperationHelpers.StripConversions(initializer.Value) is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true, ContainingType.Name: "Task" } })
                    {
                        _timers.Add(declarator.Symbol);
                    }
                    else if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                        && OperationHelpers.StripConversions(assignment.Value) is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true, ContainingType.Name: "Task" } })
                    {
                        _timers.Add(target.Local);
                    }
                }
            }

            return _timers;
        }

        private IOperation Resolved(IOperation operation) => OperationHelpers.StripConversions(_resolve(OperationHelpers.StripConversions(operation)!))!;

        /// <summary>The tracked stream whose handshake task this is (a local assigned <c>ssl.AuthenticateAs...Async(...)</c>), or -1.</summary>
        private int Handshake(IOperation? operation)
        {
            operation = Tuples.Unwrap(operation == null ? null : Resolved(operation));
            if (operation is IInvocationOperation invocation)
            {
                return HandshakeOf(invocation);
            }

            if (Tuples.PlaceSymbol(operation) is not ILocalSymbol local || !IsTask(local.Type))
            {
                return -1;
            }

            Scan();
            return _tasks!.TryGetValue(local, out var entity) ? entity : -1;
        }

        /// <summary>The race a value is the winner of: <c>await Task.WhenAny(...)</c> or a local assigned it; the stream whose
        /// handshake runs in it and the other tasks of the race.</summary>
        private (int Entity, List<ISymbol> Others) Race(IOperation operation)
        {
            var value = Tuples.Unwrap(Resolved(operation));
            if (value is IInvocationOperation invocation && IsWhenAny(invocation))
            {
                return RaceOf(invocation);
            }

            if (Tuples.PlaceSymbol(value) is not ILocalSymbol local || !IsTask(local.Type))
            {
                return (-1, new List<ISymbol>());
            }

            Scan();
            return _winners!.TryGetValue(local, out var race) ? race : (-1, new List<ISymbol>());
        }

        private void Scan()
        {
            if (_tasks != null)
            {
                return;
            }

            _tasks = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            _winners = new Dictionary<ISymbol, (int, List<ISymbol>)>(SymbolEqualityComparer.Default);
            foreach (var operation in _body.Descendants())
            {
                var (target, value) = operation switch
                {
                    IVariableDeclaratorOperation { Initializer: { } initializer } declarator => ((ISymbol?)declarator.Symbol, (IOperation?)initializer.Value),
                    ISimpleAssignmentOperation assignment => (Tuples.PlaceSymbol(assignment.Target), assignment.Value),
                    _ => (null, null),
                };
                if (target is not ILocalSymbol || Tuples.Unwrap(value) is not IInvocationOperation invocation)
                {
                    continue;
                }

                if (HandshakeOf(invocation) is var entity && entity >= 0)
                {
                    _tasks[target] = entity;
                }
                else if (IsWhenAny(invocation) && RaceOf(invocation) is var race && race.Entity >= 0)
                {
                    _winners[target] = race;
                }
            }
        }

        private (int Entity, List<ISymbol> Others) RaceOf(IInvocationOperation whenAny)
        {
            var entity = -1;
            var others = new List<ISymbol>();
            foreach (var argument in whenAny.Arguments)
            {
                var values = argument.Value is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : System.Collections.Immutable.ImmutableArray.Create(argument.Value);
                foreach (var value in values)
                {
                    var task = Handshake(value);
                    if (task >= 0)
                    {
                        entity = task;
                    }
                    else if (Tuples.PlaceSymbol(value) is { } other)
                    {
                        others.Add(other);
                    }
                }
            }

            return (entity, others);
        }

        private int HandshakeOf(IInvocationOperation invocation) =>
            invocation.TargetMethod.Name.StartsWith("AuthenticateAs", System.StringComparison.Ordinal) && IsAuthenticatedStreamMember(invocation.TargetMethod)
                ? _streamOf(OperationHelpers.ResolveReceiver(invocation.Instance))
                : -1;

        /// <summary>Task or Task&lt;T&gt; (a handshake task, or the winner of a race): the only locals worth a scan.</summary>
        private static bool IsTask(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: "Task" } named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

        private static bool IsWhenAny(IInvocationOperation invocation) =>
            invocation.TargetMethod is { Name: "WhenAny", IsStatic: true } method && method.ContainingType?.ToDisplayString() == "System.Threading.Tasks.Task";

        /// <summary>A member of SslStream (or a subclass) or of AuthenticatedStream, its base.</summary>
        private bool IsAuthenticatedStreamMember(ISymbol member) =>
            _symbols.IsSslStream(member.ContainingType) || SymbolEqualityComparer.Default.Equals(member.ContainingType, _symbols.SslStream.BaseType);

        private static bool IsFailedStatus(IOperation value) => IsStatus(value, "Faulted") || IsStatus(value, "Canceled");

        private static bool IsStatus(IOperation value, string name) =>
            OperationHelpers.StripConversions(value) is IFieldReferenceOperation { Field: { ContainingType: { TypeKind: TypeKind.Enum } type } field }
            && field.Name == name && type.ToDisplayString() == "System.Threading.Tasks.TaskStatus";
    }
}
