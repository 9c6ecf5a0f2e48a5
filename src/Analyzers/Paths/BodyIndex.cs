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
    /// The bodies TLS004 reads across members (the members of the types it kept, and the flow model's bodies it needs),
    /// and what it asks of them: the body of a method, the calls of a method, the invocations of a delegate, the places a
    /// method is used as a delegate, the values a member is given, the sockets read from other objects. A question about
    /// a member is answered from the bodies of its type's hierarchy (and of the callers the flow model names), each type
    /// scanned once, when first asked: most kept types are never asked about.
    /// </summary>
    internal sealed class BodyIndex
    {
        private readonly KnownSymbols _symbols;
        private readonly Dictionary<ISymbol, MemberBody> _byOwner = new Dictionary<ISymbol, MemberBody>(SymbolEqualityComparer.Default);
        private readonly Dictionary<INamedTypeSymbol, List<MemberBody>> _byType = new Dictionary<INamedTypeSymbol, List<MemberBody>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<INamedTypeSymbol, Facts> _scanned = new Dictionary<INamedTypeSymbol, Facts>(SymbolEqualityComparer.Default);
        private readonly List<MemberBody> _callers;
        private readonly List<MemberBody> _socketClosers;
        private readonly Dictionary<ITypeSymbol, bool> _transportTypes = new Dictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        private Facts? _callerFacts;
        private Facts? _closerFacts;

        /// <param name="bodies">The bodies of the kept types and of the creating members.</param>
        /// <param name="callers">Bodies of other types that hand a stream to a creating member (the flow model's).</param>
        /// <param name="socketClosers">Bodies of other types that close a socket (the flow model's).</param>
        /// <param name="symbols">The compilation's known symbols (which types are transports).</param>
        public BodyIndex(IEnumerable<MemberBody> bodies, IEnumerable<MemberBody> callers, IEnumerable<MemberBody> socketClosers, KnownSymbols symbols)
        {
            _symbols = symbols;
            var seen = new HashSet<SyntaxNode>();
            foreach (var body in bodies)
            {
                if (seen.Add(body.Root.Syntax))
                {
                    Add(body);
                }
            }

            _callers = callers.Where(b => seen.Add(b.Root.Syntax)).ToList();
            _socketClosers = socketClosers.Where(b => seen.Add(b.Root.Syntax)).ToList();
            foreach (var body in _callers.Concat(_socketClosers))
            {
                Add(body);
            }
        }

        public List<MemberBody> Bodies { get; } = new List<MemberBody>();

        public bool TryGetBody(IMethodSymbol method, out MemberBody body) => _byOwner.TryGetValue(method.OriginalDefinition, out body);

        /// <summary>The calls of <paramref name="method"/> (or of what it overrides or implements) in its type's hierarchy
        /// and in the callers the flow model named.</summary>
        public IEnumerable<(MemberBody Body, IInvocationOperation Call)> CallsOf(IMethodSymbol method)
        {
            var targets = new HashSet<ISymbol>(WithBases(method), SymbolEqualityComparer.Default);
            foreach (var facts in FactsFor(method.ContainingType).Append(CallerFacts()))
            {
                foreach (var (body, call) in facts.Calls)
                {
                    if (targets.Contains(call.TargetMethod.OriginalDefinition))
                    {
                        yield return (body, call);
                    }
                }
            }
        }

        public IEnumerable<(MemberBody Body, IObjectCreationOperation Creation)> CreationsWith(IMethodSymbol constructor)
        {
            foreach (var facts in FactsFor(constructor.ContainingType).Append(CallerFacts()))
            {
                foreach (var (body, creation) in facts.Creations)
                {
                    if (SymbolEqualityComparer.Default.Equals(creation.Constructor?.OriginalDefinition, constructor.OriginalDefinition))
                    {
                        yield return (body, creation);
                    }
                }
            }
        }

        /// <summary>The object creations in the bodies of <paramref name="type"/>'s hierarchy (wrappers made over its members).</summary>
        public IEnumerable<(MemberBody Body, IObjectCreationOperation Creation)> CreationsIn(INamedTypeSymbol type)
        {
            foreach (var facts in FactsFor(type))
            {
                foreach (var pair in facts.Creations)
                {
                    yield return pair;
                }
            }
        }

        /// <summary>The invocations of the delegate a parameter, field or property holds.</summary>
        public IEnumerable<(MemberBody Body, IInvocationOperation Call)> InvocationsOf(ISymbol holder)
        {
            var type = holder is IParameterSymbol parameter ? parameter.ContainingSymbol.ContainingType : holder.ContainingType;
            foreach (var facts in FactsFor(type))
            {
                foreach (var (body, call) in facts.DelegateCalls)
                {
                    if (SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(call.Instance)?.OriginalDefinition, holder.OriginalDefinition))
                    {
                        yield return (body, call);
                    }
                }
            }
        }

        /// <summary>Where a method (as a method group) or a lambda becomes a delegate, in its type's hierarchy.</summary>
        public IEnumerable<IOperation> DelegateUsesOf(ISymbol function)
        {
            foreach (var facts in FactsFor(function.ContainingType))
            {
                foreach (var use in facts.DelegateUses)
                {
                    var symbol = use is IMethodReferenceOperation reference ? reference.Method.OriginalDefinition : ((IAnonymousFunctionOperation)use).Symbol;
                    if (SymbolEqualityComparer.Default.Equals(symbol, function.OriginalDefinition))
                    {
                        yield return use;
                    }
                }
            }
        }

        /// <summary>The values a field or property of this is assigned, in its type's hierarchy.</summary>
        public IEnumerable<(MemberBody Body, IOperation Value)> AssignmentsOf(ISymbol member)
        {
            foreach (var facts in FactsFor(member.ContainingType))
            {
                foreach (var (body, target, value) in facts.Assignments)
                {
                    if (SymbolEqualityComparer.Default.Equals(target, member.OriginalDefinition))
                    {
                        yield return (body, value);
                    }
                }
            }
        }

        /// <summary>The bodies that close a socket and read <paramref name="member"/> (a socket or stream) from another
        /// object, and that object's local, parameter or member.</summary>
        public IEnumerable<(MemberBody Body, ISymbol Instance)> ForeignReferencesOf(ISymbol member)
        {
            _closerFacts ??= Scan(_socketClosers);
            foreach (var (body, read, instance) in _closerFacts.Foreign)
            {
                if (SymbolEqualityComparer.Default.Equals(read, member.OriginalDefinition))
                {
                    yield return (body, instance);
                }
            }
        }

        private void Add(MemberBody body)
        {
            Bodies.Add(body);

            // A method's body, not the initializer of one of its optional parameters (an operation block of its own).
            if (body.Owner is IMethodSymbol && body.Root is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation)
            {
                _byOwner[body.Owner.OriginalDefinition] = body;
            }

            if (body.Owner.ContainingType is { } type)
            {
                if (!_byType.TryGetValue(type.OriginalDefinition, out var list))
                {
                    _byType.Add(type.OriginalDefinition, list = new List<MemberBody>());
                }

                list.Add(body);
            }
        }

        private Facts CallerFacts() => _callerFacts ??= Scan(_callers);

        /// <summary>The scanned facts of every type related to <paramref name="type"/> (its bases and the types deriving from it).</summary>
        private IEnumerable<Facts> FactsFor(INamedTypeSymbol? type)
        {
            if (type == null)
            {
                yield break;
            }

            foreach (var pair in _byType)
            {
                if (Related(pair.Key, type))
                {
                    if (!_scanned.TryGetValue(pair.Key, out var facts))
                    {
                        _scanned.Add(pair.Key, facts = Scan(pair.Value));
                    }

                    yield return facts;
                }
            }
        }

        private Facts Scan(List<MemberBody> bodies)
        {
            var facts = new Facts();
            foreach (var body in bodies)
            {
                foreach (var operation in body.Root.Descendants())
                {
                    switch (operation)
                    {
                        case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invoke:
                            facts.DelegateCalls.Add((body, invoke));
                            break;
                        case IInvocationOperation call:
                            facts.Calls.Add((body, call));
                            break;
                        case IObjectCreationOperation { Constructor: { } } creation:
                            facts.Creations.Add((body, creation));
                            break;
                        case IMethodReferenceOperation or IAnonymousFunctionOperation:
                            facts.DelegateUses.Add(operation);
                            break;
                        case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is IFieldSymbol or IPropertySymbol:
                            facts.Assignments.Add((body, OperationHelpers.ReferencedSymbol(assignment.Target)!, assignment.Value));
                            break;
                        case ICoalesceAssignmentOperation coalesce when OperationHelpers.ReferencedSymbol(coalesce.Target) is IFieldSymbol or IPropertySymbol:
                            facts.Assignments.Add((body, OperationHelpers.ReferencedSymbol(coalesce.Target)!, coalesce.Value));
                            break;
                        case IMemberReferenceOperation { Instance: { } instance } reference and (IFieldReferenceOperation or IPropertyReferenceOperation)
                            when instance is not IInstanceReferenceOperation && IsTransportType(reference.Type)
                            && OperationHelpers.ReferencedSymbol(instance) is { } holder:
                            // session.Socket: a transport read from another object (TLS004 across types).
                            facts.Foreign.Add((body, reference.Member.OriginalDefinition, holder));
                            break;
                    }
                }
            }

            return facts;
        }

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

        private static bool Related(INamedTypeSymbol a, INamedTypeSymbol b) => DerivesFrom(a, b) || DerivesFrom(b, a);

        private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

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
        }

        /// <summary>What a scan of some bodies found.</summary>
        private sealed class Facts
        {
            public List<(MemberBody Body, IInvocationOperation Call)> Calls { get; } = new List<(MemberBody, IInvocationOperation)>();

            public List<(MemberBody Body, IObjectCreationOperation Creation)> Creations { get; } = new List<(MemberBody, IObjectCreationOperation)>();

            public List<(MemberBody Body, IInvocationOperation Call)> DelegateCalls { get; } = new List<(MemberBody, IInvocationOperation)>();

            public List<IOperation> DelegateUses { get; } = new List<IOperation>();

            public List<(MemberBody Body, ISymbol Target, IOperation Value)> Assignments { get; } = new List<(MemberBody, ISymbol, IOperation)>();

            public List<(MemberBody Body, ISymbol Member, ISymbol Instance)> Foreign { get; } = new List<(MemberBody, ISymbol, ISymbol)>();
        }
    }
}
