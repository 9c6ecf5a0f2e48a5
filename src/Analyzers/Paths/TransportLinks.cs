using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>An SslStream created in a member, as the member-local pass of TLS004 saw it.</summary>
    internal sealed class TlsCreation
    {
        public TlsCreation(SyntaxNode site, MemberBody body, HashSet<ISymbol> transports)
        {
            Site = site;
            Body = body;
            Transports = transports;
        }

        /// <summary>The <c>new SslStream(...)</c> (a flow-model origin).</summary>
        public SyntaxNode Site { get; }

        public MemberBody Body { get; }

        /// <summary>Its transport in the creating body: locals, parameters, fields and properties.</summary>
        public HashSet<ISymbol> Transports { get; }
    }

    /// <summary>
    /// The members (fields and properties) that hold the transport of a TLS stream created somewhere in the compilation:
    /// the creating body's own transport symbols, and, where those are parameters (of the creating method, a local
    /// function, a lambda or a method used as a stream filter), what the callers pass: a call's argument, the argument of
    /// the delegate invocation that runs the lambda (<c>_stream = filter(_tcp.GetStream())</c>), a constructor's
    /// parameter stored in a field. Two steps across members at most: beyond, the link is too weak to report on.
    /// </summary>
    internal static class TransportLinks
    {
        private const int MaxSteps = 2;

        public static HashSet<ISymbol> MembersOf(TlsCreation creation, BodyIndex index, FlowModel model)
        {
            var members = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            Resolve(creation.Body, creation.Transports, 0);
            return members;

            void Resolve(MemberBody body, HashSet<ISymbol> symbols, int step)
            {
                foreach (var symbol in symbols)
                {
                    if (!seen.Add(symbol))
                    {
                        continue;
                    }

                    switch (symbol)
                    {
                        case IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false, IsIndexer: false }:
                            AddMember(symbol, step);
                            break;
                        case IParameterSymbol parameter when step < MaxSteps:
                            foreach (var (caller, value) in ArgumentsFor(parameter, body, index))
                            {
                                DebugTrace.Write($"  {parameter} <- {value.Syntax} in {caller.Owner}");
                                Resolve(caller, TransportSymbols.Of(caller.Root, value, Empty), step + 1);
                            }

                            break;
                    }

                    if (symbol is ILocalSymbol or IParameterSymbol)
                    {
                        // The transport kept in a member by the body that has it: Socket = socket; new Link(socket) => _socket.
                        foreach (var member in StoredIn(body, symbol, index))
                        {
                            AddMember(member, step);
                        }
                    }
                }
            }

            void AddMember(ISymbol member, int step)
            {
                member = member.OriginalDefinition;
                DebugTrace.Write($"  member {member} step {step} getterBody {(member is IPropertySymbol { GetMethod: { } g } && index.TryGetBody(g, out _))} holds {model.MayHoldTls(member)} assignments {index.AssignmentsOf(member).Count()}");
                if (!members.Add(member) || step >= MaxSteps)
                {
                    return;
                }

                // A property that reads a field: Socket => Volatile.Read(ref _socket).
                if (member is IPropertySymbol { GetMethod: { } getter } && index.TryGetBody(getter, out var getterBody) && FieldReadBy(getterBody.Root) is { } field)
                {
                    members.Add(field);
                }

                // A member that may hold the TLS stream too (_stream = _client.GetStream(); ... _stream = filter(_stream)) is
                // no transport itself, but what it was given before may be.
                if (model.MayHoldTls(member))
                {
                    foreach (var (assigning, value) in index.AssignmentsOf(member))
                    {
                        Resolve(assigning, TransportSymbols.Of(assigning.Root, value, Empty), step + 1);
                    }
                }
            }
        }

        /// <summary>The field a getter returns as it is (or through Volatile.Read / Interlocked).</summary>
        private static ISymbol? FieldReadBy(IOperation root)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is IReturnOperation { ReturnedValue: { } returned })
                {
                    var value = OperationHelpers.StripConversions(returned);
                    if (value is IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType.Name: "Interlocked" or "Volatile" } } read && !read.Arguments.IsEmpty)
                    {
                        value = OperationHelpers.StripConversions(read.Arguments[0].Value);
                    }

                    return OperationHelpers.ReferencedSymbol(value) as IFieldSymbol;
                }
            }

            return null;
        }

        private static readonly HashSet<ISymbol> Empty = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>What is passed for <paramref name="parameter"/>: by the callers of a method, by the invocations of
        /// the delegate a lambda or method group becomes.</summary>
        private static IEnumerable<(MemberBody Body, IOperation Value)> ArgumentsFor(IParameterSymbol parameter, MemberBody body, BodyIndex index)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol function)
            {
                yield break;
            }

            DebugTrace.Write($"  arguments for {parameter} of {function} ({function.MethodKind}): calls {index.CallsOf(function).Count()}");
            if (function.MethodKind is MethodKind.Ordinary or MethodKind.Constructor)
            {
                foreach (var (caller, call) in index.CallsOf(function))
                {
                    if (Argument(call.Arguments, parameter) is { } value)
                    {
                        yield return (caller, value);
                    }
                }

                if (function.MethodKind == MethodKind.Constructor)
                {
                    foreach (var (caller, creation) in index.CreationsWith(function))
                    {
                        if (Argument(creation.Arguments, parameter) is { } value)
                        {
                            yield return (caller, value);
                        }
                    }
                }
            }

            // A lambda or a method group handed over as a delegate: the invocations of the parameter or member it lands in.
            var uses = function.MethodKind == MethodKind.AnonymousFunction ? LambdaIn(body.Root, function) : index.DelegateUsesOf(function);
            foreach (var use in uses)
            {
                foreach (var slot in SlotsOf(use))
                {
                    foreach (var (invoker, invoke) in index.InvocationsOf(slot))
                    {
                        if (parameter.Ordinal < invoke.Arguments.Length)
                        {
                            yield return (invoker, invoke.Arguments[parameter.Ordinal].Value);
                        }
                    }
                }
            }
        }

        private static IEnumerable<IOperation> LambdaIn(IOperation root, IMethodSymbol lambda)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                {
                    yield return operation;
                }
            }
        }

        /// <summary>The delegate parameter or member a lambda or method group goes into: <c>Use(filter)</c>, <c>_wrap = s => ...</c>,
        /// <c>: this(s => new SslStream(s), settings)</c>.</summary>
        private static IEnumerable<ISymbol> SlotsOf(IOperation function)
        {
            var value = function;
            while (value.Parent is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                value = value.Parent;
            }

            switch (value.Parent)
            {
                case IArgumentOperation { Parameter: { } parameter }:
                    yield return parameter.OriginalDefinition;
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Value == value && MemberOrSymbol(assignment.Target) is { } target:
                    yield return target;
                    break;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    yield return declarator.Symbol;
                    break;
                case IFieldInitializerOperation initializer:
                    foreach (var field in initializer.InitializedFields)
                    {
                        yield return field.OriginalDefinition;
                    }

                    break;
            }
        }

        /// <summary>The members a local or parameter is stored in: by the body itself (<c>Socket = socket;</c>), or through
        /// a constructor of the compilation (<c>new Link(socket)</c> whose constructor assigns it to <c>_socket</c>).</summary>
        private static IEnumerable<ISymbol> StoredIn(MemberBody body, ISymbol symbol, BodyIndex index, int depth = 0)
        {
            foreach (var operation in body.Root.Descendants())
            {
                switch (operation)
                {
                    case ISimpleAssignmentOperation assignment when IsSymbol(assignment.Value, symbol)
                        && OperationHelpers.ReferencedSymbol(assignment.Target) is { } target and (IFieldSymbol or IPropertySymbol):
                        yield return target;
                        break;
                    case IObjectCreationOperation { Constructor: { } constructor } creation when depth < MaxSteps && index.TryGetBody(constructor, out var constructorBody):
                        foreach (var argument in creation.Arguments)
                        {
                            if (argument.Parameter is { } parameter && IsSymbol(argument.Value, symbol))
                            {
                                foreach (var stored in StoredIn(constructorBody, parameter.OriginalDefinition, index, depth + 1))
                                {
                                    yield return stored;
                                }
                            }
                        }

                        break;
                }
            }
        }

        private static bool IsSymbol(IOperation value, ISymbol symbol) =>
            OperationHelpers.ReferencedSymbol(value) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced.OriginalDefinition, symbol.OriginalDefinition);

        /// <summary>A local, parameter or member of this, or a member of any instance (<c>channel.Wrap</c>).</summary>
        private static ISymbol? MemberOrSymbol(IOperation target) =>
            OperationHelpers.ReferencedSymbol(target) ?? target switch
            {
                IFieldReferenceOperation field => field.Field.OriginalDefinition,
                IPropertyReferenceOperation { Arguments.IsEmpty: true } property => property.Property.OriginalDefinition,
                _ => null,
            };

        private static IOperation? Argument(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, IParameterSymbol parameter)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter != null && SymbolEqualityComparer.Default.Equals(argument.Parameter.OriginalDefinition, parameter.OriginalDefinition))
                {
                    return argument.Value;
                }
            }

            return null;
        }
    }
}
