using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>One member body TLS004 can read at the end of the compilation: its operation tree and its member.</summary>
    internal readonly struct MemberBody
    {
        public MemberBody(IOperation root, ISymbol owner)
        {
            Root = root;
            Owner = owner;
        }

        public IOperation Root { get; }

        public ISymbol Owner { get; }
    }

    /// <summary>
    /// The bodies TLS004 reads across members (the members of the types it kept, and the bodies the flow model read),
    /// and what it asks of them: the body of a method, the calls of a method, the invocations of a delegate, the places a
    /// method is used as a delegate. Built once at the end of the compilation, only when a TLS stream crosses members.
    /// </summary>
    internal sealed class BodyIndex
    {
        private readonly Dictionary<ISymbol, MemberBody> _byOwner = new Dictionary<ISymbol, MemberBody>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<(MemberBody Body, IInvocationOperation Call)>> _calls = new Dictionary<ISymbol, List<(MemberBody, IInvocationOperation)>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<(MemberBody Body, IObjectCreationOperation Creation)>> _creations = new Dictionary<ISymbol, List<(MemberBody, IObjectCreationOperation)>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<(MemberBody Body, IInvocationOperation Call)>> _delegateCalls = new Dictionary<ISymbol, List<(MemberBody, IInvocationOperation)>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IOperation>> _delegateUses = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<(MemberBody Body, IOperation Value)>> _assignments = new Dictionary<ISymbol, List<(MemberBody, IOperation)>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<(MemberBody Body, ISymbol Instance)>> _foreign = new Dictionary<ISymbol, List<(MemberBody, ISymbol)>>(SymbolEqualityComparer.Default);

        private readonly KnownSymbols _symbols;
        private readonly Dictionary<ITypeSymbol, bool> _transportTypes = new Dictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);

        public BodyIndex(IEnumerable<MemberBody> bodies, KnownSymbols symbols)
        {
            _symbols = symbols;
            var seen = new HashSet<SyntaxNode>();
            foreach (var body in bodies)
            {
                if (!seen.Add(body.Root.Syntax))
                {
                    continue;
                }

                Bodies.Add(body);
                // A method's body, not the initializer of one of its optional parameters (an operation block of its own).
                if (body.Owner is IMethodSymbol && body.Root is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation)
                {
                    _byOwner[body.Owner.OriginalDefinition] = body;
                }

                foreach (var operation in body.Root.Descendants())
                {
                    switch (operation)
                    {
                        case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invoke
                            when OperationHelpers.ReferencedSymbol(invoke.Instance) is { } target:
                            Add(_delegateCalls, target, (body, invoke));
                            break;
                        case IInvocationOperation call:
                            Add(_calls, call.TargetMethod.OriginalDefinition, (body, call));
                            break;
                        case IObjectCreationOperation { Constructor: { } constructor } creation:
                            Add(_creations, constructor.OriginalDefinition, (body, creation));
                            break;
                        case IMethodReferenceOperation reference:
                            Add(_delegateUses, reference.Method.OriginalDefinition, (IOperation)reference);
                            break;
                        case IAnonymousFunctionOperation lambda:
                            Add(_delegateUses, lambda.Symbol, (IOperation)lambda);
                            break;
                        case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is IFieldSymbol or IPropertySymbol:
                            Add(_assignments, OperationHelpers.ReferencedSymbol(assignment.Target)!, (body, assignment.Value));
                            break;
                        case ICoalesceAssignmentOperation coalesce when OperationHelpers.ReferencedSymbol(coalesce.Target) is IFieldSymbol or IPropertySymbol:
                            Add(_assignments, OperationHelpers.ReferencedSymbol(coalesce.Target)!, (body, coalesce.Value));
                            break;
                        case IMemberReferenceOperation { Instance: { } instance } reference and (IFieldReferenceOperation or IPropertyReferenceOperation)
                            when instance is not IInstanceReferenceOperation && IsTransportType(reference.Type)
                            && OperationHelpers.ReferencedSymbol(instance) is { } holder:
                            // session.Socket: a transport read from another object (TLS004 across types).
                            Add(_foreign, reference.Member.OriginalDefinition, (body, holder));
                            break;
                    }
                }
            }
        }

        public List<MemberBody> Bodies { get; } = new List<MemberBody>();

        private bool IsTransportType(ITypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            if (!_transportTypes.TryGetValue(type, out var answer))
            {
                answer = _symbols.IsSocketLike(type) || _symbols.IsStreamType(type);
                _transportTypes.Add(type, answer);
            }

            return answer;
        }

        public bool TryGetBody(IMethodSymbol method, out MemberBody body) => _byOwner.TryGetValue(method.OriginalDefinition, out body);

        /// <summary>The calls of <paramref name="method"/>, and of what it overrides or implements (a call through the base or the interface may land on it).</summary>
        public IEnumerable<(MemberBody Body, IInvocationOperation Call)> CallsOf(IMethodSymbol method)
        {
            foreach (var target in WithBases(method))
            {
                if (_calls.TryGetValue(target, out var calls))
                {
                    foreach (var call in calls)
                    {
                        yield return call;
                    }
                }
            }
        }

        public IEnumerable<(MemberBody Body, IObjectCreationOperation Creation)> CreationsWith(IMethodSymbol constructor) =>
            _creations.TryGetValue(constructor.OriginalDefinition, out var found) ? found : Enumerable.Empty<(MemberBody, IObjectCreationOperation)>();

        /// <summary>The invocations of the delegate a parameter, field, property or local holds.</summary>
        public IEnumerable<(MemberBody Body, IInvocationOperation Call)> InvocationsOf(ISymbol holder) =>
            _delegateCalls.TryGetValue(holder.OriginalDefinition, out var found) ? found : Enumerable.Empty<(MemberBody, IInvocationOperation)>();

        /// <summary>The values a field or property of this is assigned, in the bodies of the index.</summary>
        public IEnumerable<(MemberBody Body, IOperation Value)> AssignmentsOf(ISymbol member) =>
            _assignments.TryGetValue(member.OriginalDefinition, out var found) ? found : Enumerable.Empty<(MemberBody, IOperation)>();

        /// <summary>The bodies that read <paramref name="member"/> (a socket or stream) from another object, and that object's local, parameter or member.</summary>
        public IEnumerable<(MemberBody Body, ISymbol Instance)> ForeignReferencesOf(ISymbol member) =>
            _foreign.TryGetValue(member.OriginalDefinition, out var found) ? found : Enumerable.Empty<(MemberBody, ISymbol)>();

        /// <summary>Where a method (as a method group) or a lambda becomes a delegate.</summary>
        public IEnumerable<IOperation> DelegateUsesOf(ISymbol function) =>
            _delegateUses.TryGetValue(function.OriginalDefinition, out var found) ? found : Enumerable.Empty<IOperation>();

        private static IEnumerable<ISymbol> WithBases(IMethodSymbol method)
        {
            var original = method.OriginalDefinition;
            yield return original;
            for (var overridden = original.OverriddenMethod; overridden != null; overridden = overridden.OverriddenMethod)
            {
                yield return overridden.OriginalDefinition;
            }

            foreach (var implemented in original.ExplicitInterfaceImplementations)
            {
                yield return implemented.OriginalDefinition;
            }

            if (original.ContainingType is { } type)
            {
                foreach (var face in type.AllInterfaces)
                {
                    foreach (var member in face.GetMembers(original.Name))
                    {
                        if (member is IMethodSymbol interfaceMethod
                            && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod)?.OriginalDefinition, original))
                        {
                            yield return interfaceMethod.OriginalDefinition;
                        }
                    }
                }
            }
        }

        private static void Add<T>(Dictionary<ISymbol, List<T>> map, ISymbol key, T value)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map.Add(key, list = new List<T>());
            }

            list.Add(value);
        }
    }
}
