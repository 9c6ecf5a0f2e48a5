using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Reads one member body into <see cref="BodyFacts"/>: one pass over its operations (lambdas and local functions
    /// included, each with its own returns), with a type test first so that code far from any stream costs little.
    /// </summary>
    internal sealed class BodyFactCollector
    {
        private readonly KnownSymbols _symbols;
        private readonly ValueSources _sources;
        private readonly List<Node> _scratch = new List<Node>();

        // Locals of the owner copied from one of its parameters (var ssl = stream as SslStream): what they do, the parameter does.
        private readonly Dictionary<ISymbol, ISymbol> _parameterCopies = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);

        private BodyFacts _facts = null!;

        public BodyFactCollector(KnownSymbols symbols, ValueSources sources)
        {
            _symbols = symbols;
            _sources = sources;
        }

        public BodyFacts Collect(ISymbol owner, IOperation root)
        {
            _facts = new BodyFacts(owner, root);
            _parameterCopies.Clear();
            if (owner is IMethodSymbol { MethodKind: MethodKind.PropertySet, AssociatedSymbol: IPropertySymbol property } setter
                && _sources.IsRelevant(property.Type) && setter.Parameters.Length > 0)
            {
                _facts.Edges.Add((Node.Of(setter.Parameters[setter.Parameters.Length - 1]), Node.Of(property)));
            }

            var stack = new Stack<(IOperation Operation, ISymbol Function)>();
            stack.Push((root, owner));
            while (stack.Count > 0)
            {
                var (operation, function) = stack.Pop();
                Visit(operation, function);
                var childFunction = operation switch
                {
                    IAnonymousFunctionOperation lambda => lambda.Symbol,
                    ILocalFunctionOperation local => local.Symbol,
                    _ => function,
                };
                // Pushed last to first, so that they are visited in source order (a local copy is seen before its uses).
                foreach (var child in operation.ChildOperations.Reverse())
                {
                    stack.Push((child, childFunction));
                }
            }

            return _facts;
        }

        private void Visit(IOperation operation, ISymbol function)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    VisitCall(invocation.TargetMethod, invocation.Instance, invocation.Arguments, function);
                    break;
                case IObjectCreationOperation { Constructor: { } constructor } creation:
                    VisitCall(constructor, null, creation.Arguments, function);
                    if (_symbols.IsSslStream(creation.Type) && creation.Arguments.Length > 0
                        && _sources.Place(creation.Arguments[0].Value) is { } transport)
                    {
                        _facts.Transports.Add((TlsOrigin.Created(creation.Syntax, _facts.Owner, creation.Type!), transport));
                    }

                    break;
                case ISimpleAssignmentOperation assignment:
                    Flow(assignment.Target, assignment.Value, function);
                    break;
                case ICoalesceAssignmentOperation coalesceAssignment:
                    Flow(coalesceAssignment.Target, coalesceAssignment.Value, function);
                    break;
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                    FlowInto(declarator.Symbol, initializer.Value, function);
                    break;
                case IFieldInitializerOperation fieldInitializer:
                    foreach (var field in fieldInitializer.InitializedFields)
                    {
                        FlowInto(field, fieldInitializer.Value, function);
                    }

                    break;
                case IPropertyInitializerOperation propertyInitializer:
                    foreach (var property in propertyInitializer.InitializedProperties)
                    {
                        FlowInto(property, propertyInitializer.Value, function);
                    }

                    break;
                case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned }:
                    VisitReturn(returned, function);
                    break;
                case IConversionOperation { IsImplicit: false } conversion when _symbols.IsSslStream(conversion.Type) && !_symbols.IsSslStream(conversion.Operand.Type):
                    Tested(conversion.Operand, operation);
                    break;
                case IIsTypeOperation isType when _symbols.IsSslStream(isType.TypeOperand):
                    Tested(isType.ValueOperand, operation);
                    break;
                case IIsPatternOperation isPattern:
                    if (TestsForSslStream(isPattern.Pattern))
                    {
                        Tested(isPattern.Value, operation);
                    }

                    // x is SslStream ssl: ssl is x.
                    if (DeclaredBy(isPattern.Pattern) is { } declared)
                    {
                        FlowInto(declared, isPattern.Value, function);
                    }

                    break;
                case IUsingOperation usingStatement:
                    AddDisposals(usingStatement.Resources);
                    break;
                case IUsingDeclarationOperation usingDeclaration:
                    AddDisposals(usingDeclaration.DeclarationGroup);
                    break;
            }
        }

        private void VisitCall(IMethodSymbol method, IOperation? instance, IReadOnlyList<IArgumentOperation> arguments, ISymbol function)
        {
            instance = OperationHelpers.ResolveReceiver(instance);
            if (instance != null)
            {
                if (_symbols.IsUse(method))
                {
                    Record(instance, _facts.Uses, _facts.UsedParameters);
                }
                else if (_symbols.ClosesReceiver(method))
                {
                    Record(instance, _facts.Closes, _facts.ClosedParameters);
                }
                else if (_symbols.IsDispose(method))
                {
                    Record(instance, _facts.Disposals, _facts.DisposedParameters);
                }
            }

            if (arguments.Count == 0)
            {
                return;
            }

            var closes = _symbols.IsRuntimeClose(method);
            var source = _sources.IsSource(method);
            var streamMethod = !source && !closes && _symbols.IsStreamMethod(method);
            foreach (var argument in arguments)
            {
                if (argument.Parameter is not { } parameter || !_sources.IsRelevant(argument.Value.Type ?? parameter.Type))
                {
                    continue;
                }

                if (closes)
                {
                    Record(argument.Value, _facts.Closes, _facts.ClosedParameters);
                }
                else if (streamMethod)
                {
                    // source.CopyToAsync(ssl): ssl is written to, not taken over.
                    Record(argument.Value, _facts.Uses, _facts.UsedParameters);
                }
                else if (source)
                {
                    FlowInto(parameter.OriginalDefinition, argument.Value, function);
                    if (parameter.RefKind is RefKind.Ref or RefKind.Out && _sources.Place(argument.Value) is { } written)
                    {
                        _facts.Edges.Add((written, Node.Of(parameter)));
                    }
                }
            }
        }

        private void VisitReturn(IOperation returned, ISymbol function)
        {
            if (function is not IMethodSymbol method || !_sources.IsRelevant(method.ReturnType))
            {
                return;
            }

            FlowInto(method, returned, function);
            if (method is { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: IPropertySymbol property })
            {
                FlowInto(property, returned, function);
                if (_sources.Place(returned) is { Symbol: IFieldSymbol or IPropertySymbol } field)
                {
                    _facts.Aliases.Add((Node.Of(property), field));
                }
            }
        }

        private void Flow(IOperation target, IOperation value, ISymbol function)
        {
            if (_sources.Place(target) is { Symbol: { } symbol })
            {
                FlowInto(symbol, value, function);
            }
        }

        /// <summary>target ← value; for a delegate, what it produces ← what the value produces.</summary>
        private void FlowInto(ISymbol target, IOperation value, ISymbol function)
        {
            var type = ValueSources.TypeOf(target);
            if (!_sources.IsRelevant(type))
            {
                return;
            }

            _scratch.Clear();
            _sources.Add(value, _scratch, _facts.Owner);
            var isDelegate = type is INamedTypeSymbol { TypeKind: TypeKind.Delegate };
            var targetNode = isDelegate ? Node.ProducedBy(target) : Node.Of(target);
            foreach (var source in _scratch)
            {
                var from = isDelegate && source.Kind == NodeKind.Value && source.Symbol is not IMethodSymbol ? Node.ProducedBy(source.Symbol!) : source;
                _facts.Edges.Add((targetNode, from));
                if (target is ILocalSymbol && source.Symbol is IParameterSymbol parameter
                    && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, function))
                {
                    _parameterCopies[target] = parameter;
                }
            }
        }

        private void Tested(IOperation value, IOperation test)
        {
            if (_sources.Place(value) is { } place)
            {
                _facts.Edges.Add((place, Node.From(TlsOrigin.Tested(test.Syntax, _facts.Owner))));
            }
        }

        private void AddDisposals(IOperation resources)
        {
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        if (_sources.IsRelevant(declarator.Symbol.Type))
                        {
                            _facts.Disposals.Add(Node.Of(declarator.Symbol));
                        }
                    }
                }
            }
            else
            {
                Record(resources, _facts.Disposals, _facts.DisposedParameters);
            }
        }

        private void Record(IOperation value, List<Node> into, HashSet<ISymbol> parameters)
        {
            // A parameter of any type counts for the method's summary: Dispose<T>(ref T disposable) disposes what it is given.
            if (OperationHelpers.ReferencedSymbol(value) is IParameterSymbol own && SymbolEqualityComparer.Default.Equals(own.ContainingSymbol, _facts.Owner))
            {
                parameters.Add(own);
            }

            if (!_sources.IsRelevant(value.Type) && !_sources.IsRelevant(OperationHelpers.StripConversions(value)?.Type))
            {
                return;
            }

            _scratch.Clear();
            _sources.Add(value, _scratch, _facts.Owner);
            foreach (var node in _scratch)
            {
                into.Add(node);
                var parameter = node.Symbol is ILocalSymbol local && _parameterCopies.TryGetValue(local, out var copied) ? copied : node.Symbol;
                if (parameter is IParameterSymbol && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _facts.Owner))
                {
                    parameters.Add(parameter);
                }
            }
        }

        /// <summary>The local a pattern declares for the whole value (<c>is SslStream ssl</c>, <c>is { } s</c>).</summary>
        public static ISymbol? DeclaredBy(IPatternOperation pattern) => pattern switch
        {
            IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
            IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
            _ => null,
        };

        private bool TestsForSslStream(IPatternOperation pattern) => pattern switch
        {
            IDeclarationPatternOperation declaration => _symbols.IsSslStream(declaration.MatchedType),
            ITypePatternOperation typePattern => _symbols.IsSslStream(typePattern.MatchedType),
            IRecursivePatternOperation recursive => _symbols.IsSslStream(recursive.MatchedType),
            INegatedPatternOperation negated => TestsForSslStream(negated.Pattern),
            IBinaryPatternOperation binary => TestsForSslStream(binary.LeftPattern) || TestsForSslStream(binary.RightPattern),
            _ => false,
        };
    }
}
