using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Where the value of an expression may come from, as flow-model nodes: the symbols it reads, the methods whose
    /// return it is, the delegates that produce it, the TLS streams it creates. Conversions, <c>?:</c>, <c>??</c>,
    /// <c>await</c> and <c>ConfigureAwait</c> are seen through; a BCL owner (<c>new StreamReader(ssl)</c>,
    /// <c>PipeReader.Create(ssl)</c>) counts as the stream it owns, since disposing one disposes the other.
    /// </summary>
    internal sealed class ValueSources
    {
        private readonly KnownSymbols _symbols;
        private readonly IAssemblySymbol _assembly;

        // By reference: a type symbol is one object per compilation, and a miss only costs a second computation.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _relevant =
            new System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool>(ReferenceComparer.Instance);

        public ValueSources(KnownSymbols symbols, IAssemblySymbol assembly)
        {
            _symbols = symbols;
            _assembly = assembly;
        }

        /// <summary>Is the method declared in this compilation (its body is in the model)?</summary>
        public bool IsSource(IMethodSymbol method) =>
            SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly) && !method.IsExtern;

        /// <summary>Can a symbol of this type hold a TLS stream, or produce one (a delegate, a task of one)?</summary>
        public bool IsRelevant(ITypeSymbol? type)
        {
            // Asked for nearly every argument, assignment and declaration of the compilation: value types, strings, arrays
            // and type parameters are rejected without a lookup, every other type is answered once.
            if (type is not { IsReferenceType: true, SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Interface or TypeKind.Delegate }
                && type is not INamedTypeSymbol { TypeKind: TypeKind.Struct, Arity: 1, Name: "ValueTask" })
            {
                // ValueTask<Stream> is the one value type let through: what a modern upgrade helper returns.
                return false;
            }

            // No lambda: a capturing one would be allocated at every call.
            if (!_relevant.TryGetValue(type, out var relevant))
            {
                relevant = _symbols.CanHoldSslStream(type) || _symbols.IsOwnerLike(type) || _symbols.CanHoldSslStream(ResultType(type));
                _relevant.TryAdd(type, relevant);
            }

            return relevant;
        }

        /// <summary>The stream a delegate or a task of this type yields, if any.</summary>
        public static ITypeSymbol? ResultType(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named)
            {
                return null;
            }

            if (named.TypeKind == TypeKind.Delegate)
            {
                return named.DelegateInvokeMethod?.ReturnType is { } returned ? ResultType(returned) ?? returned : null;
            }

            return named.IsGenericType && named.TypeArguments.Length == 1 && named.Name is "Task" or "ValueTask"
                ? named.TypeArguments[0]
                : null;
        }

        public void Add(IOperation? value, List<Node> into, ISymbol container)
        {
            switch (value)
            {
                case null:
                    return;
                case IConversionOperation conversion:
                    Add(conversion.Operand, into, container);
                    return;
                case IParenthesizedOperation parenthesized:
                    Add(parenthesized.Operand, into, container);
                    return;
                case IConditionalOperation conditional:
                    Add(conditional.WhenTrue, into, container);
                    Add(conditional.WhenFalse, into, container);
                    return;
                case ICoalesceOperation coalesce:
                    Add(coalesce.Value, into, container);
                    Add(coalesce.WhenNull, into, container);
                    return;
                case ISwitchExpressionOperation switchExpression:
                    foreach (var arm in switchExpression.Arms)
                    {
                        Add(arm.Value, into, container);
                    }

                    return;
                case IAwaitOperation awaited:
                    Add(awaited.Operation, into, container);
                    return;
                case IConditionalAccessOperation when _symbols.OwnerOfBaseStream(value) is { } owner:
                    Add(owner, into, container);
                    return;
                case IConditionalAccessOperation access:
                    Add(access.WhenNotNull, into, container);
                    return;
                case IObjectCreationOperation creation:
                    AddCreation(creation, into, container);
                    return;
                case IInvocationOperation invocation:
                    AddInvocation(invocation, into, container);
                    return;
                case IAnonymousFunctionOperation lambda:
                    into.Add(Node.Of(lambda.Symbol));
                    return;
                case IDelegateCreationOperation delegateCreation:
                    Add(delegateCreation.Target, into, container);
                    return;
                case IMethodReferenceOperation methodReference when IsSource(methodReference.Method):
                    into.Add(Node.Of(methodReference.Method));
                    return;
                case IPropertyReferenceOperation when _symbols.OwnerOfBaseStream(value) is { } owner:
                    // reader.BaseStream is the stream the reader owns (the TLS001 fix closes it so).
                    Add(owner, into, container);
                    return;
                default:
                    if (Place(value) is { } place)
                    {
                        into.Add(place);
                    }

                    return;
            }
        }

        /// <summary>The symbol an expression reads or writes, as a node: a local, parameter, field or property (of any instance).</summary>
        public Node? Place(IOperation? operation)
        {
            var resolved = OperationHelpers.ResolveReceiver(operation);
            if (resolved is IFieldReferenceOperation { Field.ContainingType.IsTupleType: true } element)
            {
                return TupleItem(element);
            }

            ISymbol? symbol = resolved switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            return symbol != null && IsRelevant(TypeOf(symbol)) ? Node.Of(symbol) : (Node?)null;
        }

        /// <summary><c>r.Ssl</c>, <c>r.Item2</c>: item 1 of what <c>r</c> holds (or of what the method called there returns).</summary>
        private Node? TupleItem(IFieldReferenceOperation element)
        {
            var index = Tuples.IndexOf(element.Field);
            if (index < 0 || !IsRelevant(element.Field.Type))
            {
                return null;
            }

            var instance = Tuples.Unwrap(element.Instance);
            if (instance is IInvocationOperation invocation)
            {
                return IsSource(invocation.TargetMethod) ? Node.ItemOf(invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod, index) : (Node?)null;
            }

            return Tuples.PlaceSymbol(instance) is { } holder ? Node.ItemOf(holder, index) : (Node?)null;
        }

        public static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            IMethodSymbol method => method.ReturnType,
            _ => null,
        };

        private void AddCreation(IObjectCreationOperation creation, List<Node> into, ISymbol container)
        {
            var type = creation.Type;
            if (_symbols.IsSslStream(type))
            {
                into.Add(Node.From(TlsOrigin.Created(creation.Syntax, container, type!)));
            }
            else if (type != null && _symbols.IsOwnerType(type) && !KnownSymbols.LeavesOpen(creation.Arguments))
            {
                AddOwnedStream(creation.Arguments, into, container);
            }
        }

        private void AddInvocation(IInvocationOperation invocation, List<Node> into, ISymbol container)
        {
            var method = invocation.TargetMethod;
            if (OperationHelpers.WrappedTask(invocation) is { } wrapped)
            {
                Add(wrapped, into, container);
            }
            else if (method.MethodKind == MethodKind.DelegateInvoke)
            {
                if (Place(invocation.Instance) is { } target)
                {
                    into.Add(Node.ProducedBy(target.Symbol!));
                }
            }
            else if (IsSource(method))
            {
                if (IsRelevant(method.ReturnType))
                {
                    // A method that returns a delegate returns what produces streams: its Produced node, as a delegate
                    // symbol's is (a method group, by contrast, is the method itself).
                    var called = method.ReducedFrom ?? method;
                    into.Add(method.ReturnType.TypeKind == TypeKind.Delegate ? Node.ProducedBy(called) : Node.Of(called));
                }
            }
            else if (_symbols.PipeOwnsStream(invocation))
            {
                AddOwnedStream(invocation.Arguments, into, container);
            }
            else if (_symbols.IsSslStream(method.ReturnType) || _symbols.IsSslStream(ResultType(method.ReturnType)))
            {
                var type = _symbols.IsSslStream(method.ReturnType) ? method.ReturnType : ResultType(method.ReturnType)!;
                into.Add(Node.From(TlsOrigin.Returned(method, type)));
            }
        }

        private void AddOwnedStream(ImmutableArray<IArgumentOperation> arguments, List<Node> into, ISymbol container)
        {
            foreach (var argument in arguments)
            {
                if (_symbols.CanHoldSslStream(argument.Parameter?.Type))
                {
                    Add(argument.Value, into, container);
                    return;
                }
            }
        }

        private sealed class ReferenceComparer : IEqualityComparer<ITypeSymbol>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();

            public bool Equals(ITypeSymbol? x, ITypeSymbol? y) => ReferenceEquals(x, y);

            public int GetHashCode(ITypeSymbol obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }
    }
}
