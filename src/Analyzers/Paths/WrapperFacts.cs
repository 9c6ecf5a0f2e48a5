using System.Collections.Generic;
using System.Threading;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// What TLS004 asks of the types around a replaced wrapper (<see cref="ReplacedWrappers"/>), read from their bodies on
    /// demand (the index's, or bound from source: a setter, a constructor, a Dispose of a type no rule kept): which field a
    /// property setter disposes the previous value of, whether a wrapper of the compilation disposes what its
    /// constructor was given, and in which members a value ends up. Bounded: two steps through parameters, sixteen
    /// implementations of a property.
    /// </summary>
    internal sealed partial class WrapperFacts
    {
        private const int MaxSteps = 2;
        private const int MaxImplementations = 16;

        private readonly KnownSymbols _symbols;
        private readonly FlowModel _model;
        private readonly BodyIndex _index;
        private readonly TypeOwnership _ownership;
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<SyntaxTree, SemanticModel> _semanticModels = new Dictionary<SyntaxTree, SemanticModel>();
        private readonly Dictionary<IMethodSymbol, List<IOperation>> _bodies = new Dictionary<IMethodSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, IFieldSymbol?> _backings = new Dictionary<IMethodSymbol, IFieldSymbol?>(SymbolEqualityComparer.Default);

        public WrapperFacts(KnownSymbols symbols, FlowModel model, BodyIndex index, TypeOwnership ownership, Compilation compilation, CancellationToken cancellationToken)
        {
            _symbols = symbols;
            _model = model;
            _index = index;
            _ownership = ownership;
            _compilation = compilation;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The properties an assignment of <paramref name="property"/> may run the setter of (itself, or its
        /// implementations and overrides in the compilation), each with the field its setter disposes the previous value
        /// of.</summary>
        public List<(IPropertySymbol Property, IFieldSymbol Backing)> DisposingSetters(IPropertySymbol property)
        {
            var found = new List<(IPropertySymbol, IFieldSymbol)>();
            property = property.OriginalDefinition;
            var candidates = new List<IPropertySymbol> { property };
            if (property.ContainingType is { } type && (type.TypeKind == TypeKind.Interface || property.IsAbstract || property.IsVirtual || property.IsOverride))
            {
                var implementations = _ownership.ImplementationsOf(type);
                for (var i = 0; i < implementations.Count && i < MaxImplementations; i++)
                {
                    if (Implementation(implementations[i], property) is { } implementation)
                    {
                        candidates.Add(implementation);
                    }
                }
            }

            foreach (var candidate in candidates)
            {
                if (candidate.SetMethod is { } setter && DisposedBacking(setter) is { } backing)
                {
                    found.Add((candidate, backing));
                }
            }

            return found;
        }

        /// <summary>Whether the object <paramref name="creation"/> makes disposes what it is given as <paramref name="argument"/>
        /// (a type of the compilation whose Dispose, Close or DisposeAsync disposes the member its constructor stored it
        /// in; a <c>leaveOpen</c>-like flag the creation passes as a constant is taken into account).</summary>
        public bool OwnsArgument(IObjectCreationOperation creation, IArgumentOperation argument)
        {
            if (creation.Constructor is not { } constructor || argument.Parameter is not { } parameter
                || !SymbolEqualityComparer.Default.Equals(constructor.ContainingAssembly, _compilation.Assembly))
            {
                return false;
            }

            var stored = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var flags = new Dictionary<ISymbol, IParameterSymbol>(SymbolEqualityComparer.Default);
            foreach (var root in BodiesOf(constructor.OriginalDefinition))
            {
                foreach (var operation in root.Descendants())
                {
                    if (operation is ISimpleAssignmentOperation assignment && OperationHelpers.ReferencedSymbol(assignment.Target) is { } target and (IFieldSymbol or IPropertySymbol)
                        && OperationHelpers.ReferencedSymbol(assignment.Value) is IParameterSymbol given)
                    {
                        if (SymbolEqualityComparer.Default.Equals(given.OriginalDefinition, parameter.OriginalDefinition))
                        {
                            stored.Add(target);
                        }
                        else if (given.Type.SpecialType == SpecialType.System_Boolean)
                        {
                            flags[target] = given;
                        }
                    }
                }
            }

            for (var type = constructor.ContainingType; stored.Count > 0 && type != null && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly); type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IMethodSymbol { Name: "Dispose" or "Close" or "DisposeAsync" } disposal)
                    {
                        foreach (var root in BodiesOf(disposal))
                        {
                            foreach (var operation in root.Descendants())
                            {
                                if (operation is IInvocationOperation call && Disposed(call) is { } disposed && stored.Contains(disposed)
                                    && !OperationHelpers.IsInsideCatch(call) && FlagsAllow(call, flags, creation))
                                {
                                    return true;
                                }
                            }
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>The members of this (fields and properties) that <paramref name="value"/>, an operation of
        /// <paramref name="root"/>, is stored in: directly, through locals, or through the parameters of methods and
        /// constructors of the compilation that store what they are given (<c>new Owner(wrapper)</c>).</summary>
        public HashSet<ISymbol> StoredIn(IOperation value, IOperation root)
        {
            var members = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            Follow(value, root, 0, members, new HashSet<ISymbol>(SymbolEqualityComparer.Default));
            return members;
        }

        private void Follow(IOperation value, IOperation root, int step, HashSet<ISymbol> members, HashSet<ISymbol> seen)
        {
            // Through conversions, the branches of a choice and ??: the value is still the one made there.
            while (value.Parent is IConversionOperation or IParenthesizedOperation or ICoalesceOperation
                   || (value.Parent is IConditionalOperation choice && choice.Condition != value))
            {
                value = value.Parent;
            }

            ISymbol? local = null;
            switch (value.Parent)
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    local = declarator.Symbol;
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Value == value:
                    // A member of this, or of another object (_protocol.Framer = new Framer(_stream)).
                    if ((OperationHelpers.ReferencedSymbol(assignment.Target) ?? (assignment.Target as IMemberReferenceOperation)?.Member) is { } target)
                    {
                        if (target is IFieldSymbol or IPropertySymbol)
                        {
                            members.Add(target.OriginalDefinition);
                        }
                        else if (target is ILocalSymbol)
                        {
                            local = target;
                        }
                    }

                    break;
                case IArgumentOperation { Parameter: { ContainingSymbol: IMethodSymbol method } parameter } when step < MaxSteps && seen.Add(parameter.OriginalDefinition):
                    foreach (var body in BodiesOf(method.OriginalDefinition))
                    {
                        foreach (var reference in References(body, parameter.OriginalDefinition))
                        {
                            Follow(reference, body, step + 1, members, seen);
                        }
                    }

                    break;
            }

            if (local != null && seen.Add(local))
            {
                foreach (var reference in References(root, local))
                {
                    Follow(reference, root, step, members, seen);
                }
            }
        }

        private static IEnumerable<IOperation> References(IOperation root, ISymbol symbol)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalReferenceOperation or IParameterReferenceOperation
                    && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(operation)?.OriginalDefinition, symbol)
                    && !(operation.Parent is ISimpleAssignmentOperation assignment && assignment.Target == operation))
                {
                    yield return operation;
                }
            }
        }

        /// <summary>
        /// The field a setter stores its value in and disposes the previous value of: <c>var old = _f; _f = value;
        /// old?.Dispose();</c> or <c>_f?.Dispose(); _f = value;</c>, on a path that is not a catch nor the branch where the new
        /// value is null (a reset).
        /// </summary>
        private IFieldSymbol? DisposedBacking(IMethodSymbol setter)
        {
            setter = setter.OriginalDefinition;
            if (_backings.TryGetValue(setter, out var known))
            {
                return known;
            }

            IFieldSymbol? found = null;
            var value = setter.Parameters.IsEmpty ? null : setter.Parameters[setter.Parameters.Length - 1];
            foreach (var root in value == null ? new List<IOperation>() : BodiesOf(setter))
            {
                IFieldSymbol? field = null;
                var store = -1;
                foreach (var operation in root.Descendants())
                {
                    if (operation is ISimpleAssignmentOperation assignment && OperationHelpers.ReferencedSymbol(assignment.Target) is IFieldSymbol target
                        && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(assignment.Value), value))
                    {
                        (field, store) = (target, assignment.Syntax.SpanStart);
                        break;
                    }
                }

                if (field == null)
                {
                    continue;
                }

                // Copies of the previous value, taken before it is replaced.
                var previous = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { field };
                foreach (var operation in root.Descendants())
                {
                    var (copy, source) = operation switch
                    {
                        IVariableDeclaratorOperation { Initializer: { } initializer } declarator => ((ISymbol?)declarator.Symbol, initializer.Value),
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment => (target.Local, assignment.Value),
                        _ => (null, null!),
                    };
                    if (copy != null && operation.Syntax.SpanStart < store && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(source), field))
                    {
                        previous.Add(copy);
                    }
                }

                foreach (var operation in root.Descendants())
                {
                    if (operation is IInvocationOperation call && Disposed(call) is { } disposed && previous.Contains(disposed)
                        && (disposed is ILocalSymbol || call.Syntax.SpanStart < store)
                        && !OperationHelpers.IsInsideCatch(call) && !OnlyWhenNull(call, value!))
                    {
                        found = field;
                        break;
                    }
                }
            }

            _backings[setter] = found;
            return found;
        }

        /// <summary>What a call disposes: its receiver (<c>x.Dispose()</c>, <c>x?.Close()</c>), or the argument of a helper
        /// that disposes what it is given (<c>Dispose(ref _f)</c>).</summary>
        private ISymbol? Disposed(IInvocationOperation call)
        {
            if (call.Instance != null && _symbols.IsDispose(call.TargetMethod))
            {
                return OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(call.Instance));
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter && OperationHelpers.ReferencedSymbol(argument.Value) is { } given
                    && _model.DisposesParameter(parameter.OriginalDefinition))
                {
                    return given;
                }
            }

            return null;
        }

        /// <summary>The operation trees of a method's body: the index's, or bound from its declaration.</summary>
        private List<IOperation> BodiesOf(IMethodSymbol method)
        {
            method = method.PartialImplementationPart ?? method;
            if (_bodies.TryGetValue(method, out var bodies))
            {
                return bodies;
            }

            bodies = new List<IOperation>();
            if (_index.TryGetBody(method, out var indexed))
            {
                bodies.Add(indexed.Root);
            }
            else
            {
                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    var syntax = reference.GetSyntax(_cancellationToken);
                    if (!_semanticModels.TryGetValue(syntax.SyntaxTree, out var semanticModel))
                    {
                        _semanticModels.Add(syntax.SyntaxTree, semanticModel = _compilation.GetSemanticModel(syntax.SyntaxTree));
                    }

                    if (semanticModel.GetOperation(syntax, _cancellationToken) is { } root)
                    {
                        bodies.Add(root);
                    }
                }
            }

            _bodies.Add(method, bodies);
            return bodies;
        }
    }
}
