using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Turns the operations the analyzer driver hands over into <see cref="BodyFacts"/>. The driver walks every body
    /// once for all analyzers; a walk of our own would cost more than the rest of the rule (measured: a bare walk of
    /// every operation is 2-3 % of the compile). Each operation is tested by kind and type first, so code far from
    /// any stream costs a few comparisons; the body's facts are only created when there is something to record.
    /// </summary>
    internal sealed partial class BodyFactCollector
    {
        private readonly KnownSymbols _symbols;
        private readonly ValueSources _sources;
        private readonly CleanupCallers _cleanup;
        private readonly Func<IOperation, ISymbol, BodyFacts> _factsFor;

        public BodyFactCollector(KnownSymbols symbols, ValueSources sources, CleanupCallers cleanup, Func<IOperation, ISymbol, BodyFacts> factsFor)
        {
            _symbols = symbols;
            _sources = sources;
            _cleanup = cleanup;
            _factsFor = factsFor;
        }

        /// <summary>The operation kinds <see cref="Visit"/> reads.</summary>
        public static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
            OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.SimpleAssignment, OperationKind.CoalesceAssignment,
            OperationKind.VariableDeclarator, OperationKind.FieldInitializer, OperationKind.PropertyInitializer, OperationKind.Return,
            OperationKind.IsType, OperationKind.IsPattern, OperationKind.Using, OperationKind.UsingDeclaration, OperationKind.DeconstructionAssignment);

        /// <summary>Reads one operation of a body whose member is <paramref name="owner"/>.</summary>
        public void Visit(IOperation operation, ISymbol owner)
        {
            var sink = new Sink(this, operation, owner);
            Read(operation, ref sink);
        }

        private void Read(IOperation operation, ref Sink sink)
        {
            // On the kind, not on the interface: one integer switch instead of a chain of type tests per operation.
            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    VisitCall(invocation.TargetMethod, invocation.Instance, invocation.Arguments, ref sink);
                    _cleanup.Note(invocation);
                    break;
                case OperationKind.ObjectCreation:
                    var creation = (IObjectCreationOperation)operation;
                    if (creation.Constructor is { } constructor && !creation.Arguments.IsEmpty)
                    {
                        VisitCall(constructor, null, creation.Arguments, ref sink);
                        if (_symbols.IsSslStream(creation.Type) && _sources.Place(creation.Arguments[0].Value) is { } transport)
                        {
                            sink.Facts.Transports.Add((TlsOrigin.Created(creation.Syntax, sink.Owner, creation.Type!), transport));
                        }
                    }

                    break;
                case OperationKind.SimpleAssignment:
                    var assignment = (ISimpleAssignmentOperation)operation;
                    Flow(assignment.Target, assignment.Value, ref sink);
                    break;
                case OperationKind.CoalesceAssignment:
                    var coalesceAssignment = (ICoalesceAssignmentOperation)operation;
                    Flow(coalesceAssignment.Target, coalesceAssignment.Value, ref sink);
                    break;
                case OperationKind.VariableDeclarator:
                    var declarator = (IVariableDeclaratorOperation)operation;
                    if (declarator.Initializer is { } initializer)
                    {
                        FlowInto(declarator.Symbol, initializer.Value, ref sink);
                    }

                    break;
                case OperationKind.FieldInitializer:
                    var fieldInitializer = (IFieldInitializerOperation)operation;
                    foreach (var field in fieldInitializer.InitializedFields)
                    {
                        FlowInto(field, fieldInitializer.Value, ref sink);
                    }

                    break;
                case OperationKind.PropertyInitializer:
                    var propertyInitializer = (IPropertyInitializerOperation)operation;
                    foreach (var property in propertyInitializer.InitializedProperties)
                    {
                        FlowInto(property, propertyInitializer.Value, ref sink);
                    }

                    break;
                case OperationKind.Return:
                    if (((IReturnOperation)operation).ReturnedValue is { } returned)
                    {
                        VisitReturn(operation, returned, ref sink);
                    }

                    break;
                case OperationKind.IsType:
                    var isType = (IIsTypeOperation)operation;
                    if (_symbols.IsSslStream(isType.TypeOperand))
                    {
                        Tested(isType.ValueOperand, operation, ref sink);
                    }

                    break;
                case OperationKind.IsPattern:
                    var isPattern = (IIsPatternOperation)operation;
                    if (TestsForSslStream(isPattern.Pattern))
                    {
                        Tested(isPattern.Value, operation, ref sink);
                    }

                    // x is SslStream ssl: ssl is x.
                    if (DeclaredBy(isPattern.Pattern) is { } declared)
                    {
                        FlowInto(declared, isPattern.Value, ref sink);
                    }

                    break;
                case OperationKind.Using:
                    AddDisposals(((IUsingOperation)operation).Resources, ref sink);
                    break;
                case OperationKind.UsingDeclaration:
                    AddDisposals(((IUsingDeclarationOperation)operation).DeclarationGroup, ref sink);
                    break;
                case OperationKind.DeconstructionAssignment:
                    var deconstruction = (IDeconstructionAssignmentOperation)operation;
                    Deconstruct(deconstruction.Target, deconstruction.Value, ref sink);
                    break;
            }
        }

        /// <summary>
        /// A value the code casts to SslStream (<c>_stream as SslStream</c>, <c>(SslStream)_stream</c>) where it goes:
        /// into a local, a call, a return. Conversions themselves are not read: most are implicit, and there are many.
        /// </summary>
        private void NoteCast(IOperation? value, ref Sink sink)
        {
            if (value is IConversionOperation { IsImplicit: false } conversion && _symbols.IsSslStream(conversion.Type) && !_symbols.IsSslStream(conversion.Operand.Type))
            {
                Tested(conversion.Operand, conversion, ref sink);
            }
        }

        private void VisitCall(IMethodSymbol method, IOperation? instance, ImmutableArray<IArgumentOperation> arguments, ref Sink sink)
        {
            NoteCast(instance is IParenthesizedOperation parenthesized ? parenthesized.Operand : instance, ref sink);
            instance = OperationHelpers.ResolveReceiver(instance);
            if (instance != null)
            {
                // The name tests come first: they reject almost every call without a symbol lookup.
                if (_symbols.IsUse(method))
                {
                    Record(instance, Kind.Use, ref sink);
                }
                else if (_symbols.ClosesReceiver(method))
                {
                    Record(instance, Kind.Close, ref sink);
                }
                else if (_symbols.IsDispose(method))
                {
                    Record(instance, Kind.Dispose, ref sink);
                    sink.NoteSocketClose(_symbols, instance);
                }
                else if (method.Name is "Shutdown" or "Disconnect" or "DisconnectAsync")
                {
                    sink.NoteSocketClose(_symbols, instance);
                }
            }

            bool? closesArguments = null;
            bool? source = null;
            bool? streamMethod = null;
            foreach (var argument in arguments)
            {
                if (argument.Parameter is not { } parameter || !_sources.IsRelevant(argument.Value.Type ?? parameter.Type))
                {
                    continue;
                }

                // Looked up at the first argument that can carry a stream: most calls have none.
                var closes = closesArguments ??= _symbols.IsRuntimeClose(method);
                source ??= _sources.IsSource(method);
                streamMethod ??= !source.Value && !closes && _symbols.IsStreamMethod(method);
                if (closes)
                {
                    Record(argument.Value, Kind.Close, ref sink);
                }
                else if (streamMethod.Value)
                {
                    // source.CopyToAsync(ssl): ssl is written to, not taken over.
                    Record(argument.Value, Kind.Use, ref sink);
                }
                else if (source.Value)
                {
                    FlowInto(parameter.OriginalDefinition, argument.Value, ref sink);
                    if (parameter.RefKind is RefKind.Ref or RefKind.Out && _sources.Place(argument.Value) is { } written)
                    {
                        sink.Facts.Edges.Add((written, Node.Of(parameter.OriginalDefinition)));
                    }
                }
            }
        }

        private void VisitReturn(IOperation operation, IOperation returned, ref Sink sink)
        {
            if (returned.Type is { IsTupleType: true } || OperationHelpers.StripConversions(returned) is ITupleOperation)
            {
                if (FunctionOf(operation, sink.Owner) is IMethodSymbol function && Tuples.Arity(_sources, function.ReturnType) is var arity && arity > 0)
                {
                    FlowIntoItems(function, arity, returned, ref sink);
                }

                return;
            }

            if (!_sources.IsRelevant(OperationHelpers.StripConversions(returned)?.Type) && !_sources.IsRelevant(returned.Type))
            {
                return;
            }

            if (FunctionOf(operation, sink.Owner) is not IMethodSymbol method || !_sources.IsRelevant(method.ReturnType))
            {
                return;
            }

            FlowInto(method, returned, ref sink);
            if (method is { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: IPropertySymbol property })
            {
                FlowInto(property, returned, ref sink);
                if (_sources.Place(returned) is { Symbol: IFieldSymbol or IPropertySymbol } field)
                {
                    sink.Facts.Aliases.Add((Node.Of(property), field));
                }
            }
        }

        /// <summary>The lambda or local function a return belongs to, or the member.</summary>
        private static ISymbol FunctionOf(IOperation operation, ISymbol owner)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol;
                    case ILocalFunctionOperation local:
                        return local.Symbol;
                }
            }

            return owner;
        }

        private void Flow(IOperation target, IOperation value, ref Sink sink)
        {
            if (_sources.Place(target) is { Symbol: { } symbol })
            {
                FlowInto(symbol, value, ref sink);
            }
        }

        /// <summary>target ← value; for a delegate, what it produces ← what the value produces.</summary>
        private void FlowInto(ISymbol target, IOperation value, ref Sink sink)
        {
            NoteCast(value, ref sink);
            var type = ValueSources.TypeOf(target);
            if (!_sources.IsRelevant(type))
            {
                // Checked only once the type is rejected: a tuple is a value type, and rarely carries a stream.
                if (type is { IsTupleType: true } && Tuples.Arity(_sources, type) is var arity && arity > 0)
                {
                    FlowIntoItems(target, arity, value, ref sink);
                }

                return;
            }

            var sources = new List<Node>();
            _sources.Add(value, sources, sink.Owner);
            var local = target as ILocalSymbol;
            var hasTlsLocal = local != null && (_symbols.IsSslStream(local.Type) || StreamOwnership.MayBeSslStream(_symbols, value));
            if (sources.Count == 0 && !hasTlsLocal)
            {
                return;
            }

            var facts = sink.Facts;
            facts.HasTlsLocals |= hasTlsLocal;
            var isDelegate = type is INamedTypeSymbol { TypeKind: TypeKind.Delegate };
            var targetNode = isDelegate ? Node.ProducedBy(target) : Node.Of(target);
            foreach (var source in sources)
            {
                var from = isDelegate && source.Kind == NodeKind.Value && source.Symbol is not IMethodSymbol ? Node.ProducedBy(source.Symbol!) : source;
                facts.Edges.Add((targetNode, from));
            }
        }

        private void Tested(IOperation value, IOperation test, ref Sink sink)
        {
            if (_sources.Place(value) is { } place)
            {
                sink.Facts.Edges.Add((place, Node.From(TlsOrigin.Tested(test.Syntax, sink.Owner))));
            }
        }

        private void AddDisposals(IOperation resources, ref Sink sink)
        {
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        if (_sources.IsRelevant(declarator.Symbol.Type))
                        {
                            sink.Facts.Disposals.Add(Node.Of(declarator.Symbol));
                        }
                    }
                }
            }
            else
            {
                Record(resources, Kind.Dispose, ref sink);
            }
        }

        private void Record(IOperation value, Kind kind, ref Sink sink)
        {
            // A parameter of any type counts for the method's summary: Dispose<T>(ref T disposable) disposes what it is given.
            if (OperationHelpers.ReferencedSymbol(value) is IParameterSymbol own && SymbolEqualityComparer.Default.Equals(own.ContainingSymbol, sink.Owner))
            {
                var parameters = kind switch { Kind.Use => sink.Facts.UsedParameters, Kind.Close => sink.Facts.ClosedParameters, _ => sink.Facts.DisposedParameters };
                parameters.Add(own.OriginalDefinition);
            }

            if (!_sources.IsRelevant(value.Type) && !_sources.IsRelevant(OperationHelpers.StripConversions(value)?.Type))
            {
                return;
            }

            var nodes = kind switch { Kind.Use => sink.Facts.Uses, Kind.Close => sink.Facts.Closes, _ => sink.Facts.Disposals };
            _sources.Add(value, nodes, sink.Owner);
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
