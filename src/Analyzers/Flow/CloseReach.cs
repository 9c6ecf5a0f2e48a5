using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// TLS003's answers at the end of the compilation, from the TLS001 flow model (STYLE.md, "one model every rule
    /// reads"): a symbol may hold a TLS stream when the model says so, whatever its declared type and wherever it was
    /// assigned (a Stream field of a base class set by a subclass, a stream returned as Task&lt;Stream&gt;, a pipe or
    /// writer made over one); an owner is a class of the compilation with such a field (or a field of an owner type,
    /// three levels deep); a call of the compilation raises a TLS close error when its body, or one it calls, does,
    /// <see cref="CloseFinder.MaxCallDepth"/> calls down at most.
    /// </summary>
    internal sealed class CloseReach : CloseKnowledge
    {
        private readonly CompilationFlow _flow;
        private readonly FlowModel _model;
        private readonly Compilation _compilation;
        private readonly Tls001Sites _tls001;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<ITypeSymbol, bool> _owners = new Dictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly Dictionary<(IMethodSymbol, int), (Verdict, string?)> _calls = new Dictionary<(IMethodSymbol, int), (Verdict, string?)>();
        private readonly Dictionary<SyntaxNode, IOperation> _rootsBySyntax = new Dictionary<SyntaxNode, IOperation>();
        private readonly Dictionary<SyntaxNode, ISymbol> _ownersByRoot = new Dictionary<SyntaxNode, ISymbol>();
        private readonly Dictionary<IInvocationOperation, string> _reachedByCall = new Dictionary<IInvocationOperation, string>();
        private List<INamedTypeSymbol>? _sourceTypes;
        private CloseCandidates? _candidates;

        public CloseReach(CompilationFlow flow, FlowModel model, CloseTypes types, Compilation compilation, Tls001Sites tls001, CancellationToken cancellationToken)
            : base(flow.Symbols, types)
        {
            _flow = flow;
            _model = model;
            _compilation = compilation;
            _tls001 = tls001;
            _cancellationToken = cancellationToken;
            foreach (var bodies in model.BodiesByType.Values)
            {
                foreach (var body in bodies)
                {
                    _rootsBySyntax[body.Root.Syntax] = body.Root;
                    _ownersByRoot[body.Root.Syntax] = body.Owner;
                }
            }
        }

        protected override Verdict HoldsTlsUntyped(IOperation expression)
        {
            var nodes = new List<Node>();
            _flow.Sources.Add(expression, nodes, _compilation.Assembly);
            return nodes.Any(n => n.Kind == NodeKind.Origin || (n.Kind == NodeKind.Value && n.Symbol != null && _model.MayHoldTls(n.Symbol))) ? Verdict.Yes : Verdict.No;
        }

        public override Verdict IsOwner(ITypeSymbol? type) => IsOwner(type, 1) ? Verdict.Yes : Verdict.No;

        public override Verdict Tls001Reports(IOperation disposal, IOperation? receiver) =>
            _tls001.Reports(disposal, receiver, OwnerOf(disposal), acrossMethods: true, _cancellationToken);

        public override (Verdict Raises, string? What) CallRaises(IInvocationOperation call, int depth)
        {
            var receiver = OperationHelpers.ResolveReceiver(call.Instance);
            var what = KnownSymbols.IsDisposeName(call.TargetMethod.Name) && receiver != null && receiver is not IInstanceReferenceOperation
                ? CloseFinder.Describe(receiver)
                : CloseFinder.DescribeCall(call);
            if (depth >= CloseFinder.MaxCallDepth || !ReachesTls(call, receiver) || _tls001.ReportsAt(call, _cancellationToken))
            {
                return (Verdict.No, null);
            }

            foreach (var method in Callees(call.TargetMethod, receiver?.Type))
            {
                if (Summary(method, depth + 1) is { Item1: Verdict.Yes, Item2: var reached })
                {
                    // The message says where the close is: "'_client.Disconnect()' (reaching '_ssl' in MailClient.CloseStream)".
                    _reachedByCall[call] = reached!;
                    return (Verdict.Yes, what + " (reaching " + reached + ")");
                }
            }

            return (Verdict.No, null);
        }

        public override (Verdict Raises, string? What) DisposalRaises(IOperation resource, bool asynchronous, int depth)
        {
            var dispose = asynchronous ? Types.AsyncDisposable?.GetMembers("DisposeAsync").FirstOrDefault() : Types.Disposable.GetMembers("Dispose").FirstOrDefault();
            if (depth >= CloseFinder.MaxCallDepth || !IsOwner(resource.Type, 1) || dispose == null
                || resource.Type?.FindImplementationForInterfaceMember(dispose) is not IMethodSymbol implementation || !_flow.Sources.IsSource(implementation))
            {
                return (Verdict.No, null);
            }

            return Summary(implementation, depth + 1) is { Item1: Verdict.Yes, Item2: var reached }
                ? (Verdict.Yes, CloseFinder.Describe(resource) + " (reaching " + reached + ")")
                : (Verdict.No, null);
        }

        /// <summary>A call can reach a TLS stream through its receiver (an owner, or this in an owner), or an argument.</summary>
        private bool ReachesTls(IInvocationOperation call, IOperation? receiver)
        {
            var through = receiver == null || receiver is IInstanceReferenceOperation ? call.TargetMethod.ContainingType : receiver.Type;
            return IsOwner(through, 1) || (receiver != null && HoldsTls(receiver) == Verdict.Yes) || call.Arguments.Any(a => HoldsTls(a.Value) == Verdict.Yes);
        }

        /// <summary>Can the method's body raise a TLS close error to its caller, and what raises it where ("'_ssl' in
        /// Session.CloseAsync")? Memoized; a method met again while its own answer is pending (recursion) counts as not raising.</summary>
        private (Verdict, string?) Summary(IMethodSymbol method, int depth)
        {
            var key = (method.OriginalDefinition, depth);
            if (_calls.TryGetValue(key, out var known))
            {
                return known;
            }

            _calls[key] = (Verdict.No, null);
            var result = (Verdict.No, (string?)null);
            // A body that cannot close within the calls left is not bound again (CloseCandidates): its answer is "no". A body
            // the model or TLS004 holds costs no bind: its own walk, which follows only the calls that reach a TLS stream,
            // costs less than reading by name what its calls may run.
            if (!IsHeld(method) && !MayClose(method, CloseFinder.MaxCallDepth - depth))
            {
                return result;
            }

            foreach (var root in RootsOf(method))
            {
                if (OperationHelpers.BodyOf(root) is { } body && CloseFinder.FindClose(this, body, root, depth) is { Raises: Verdict.Yes } found)
                {
                    var reached = found.At is IInvocationOperation call && _reachedByCall.TryGetValue(call, out var deeper)
                        ? deeper
                        : found.What + " in " + method.ContainingType.Name + "." + method.Name;
                    result = (Verdict.Yes, reached);
                    break;
                }
            }

            _calls[key] = result;
            return result;
        }

        /// <summary>Are the method's operation trees held already (the model's, TLS004's)? Binding them costs nothing.</summary>
        private bool IsHeld(IMethodSymbol method)
        {
            method = method.PartialImplementationPart ?? method;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(_cancellationToken);
                if (!_rootsBySyntax.ContainsKey(syntax) && _flow.Kept(syntax) == null)
                {
                    return false;
                }
            }

            return method.MethodKind != MethodKind.LocalFunction;
        }

        /// <summary>Can the method's body close anything within <paramref name="callsLeft"/> calls, by its syntax? A closing
        /// method configured in the options is only known by its symbol: then every body is read.</summary>
        private bool MayClose(IMethodSymbol method, int callsLeft) =>
            !Symbols.Options.IsEmpty || (_candidates ??= NewCandidates()).MayClose(method, callsLeft);

        private CloseCandidates NewCandidates()
        {
            var types = SourceTypes();
            long stamp = 0;
            CostProfile.Start(ref stamp);
            var candidates = new CloseCandidates(Symbols, _compilation, types, _cancellationToken);
            CostProfile.Stop("TLS003 reach: index the methods by name", stamp);
            return candidates;
        }

        /// <summary>
        /// The bodies a call may run: the method's own, or for a virtual, abstract or interface method the overrides and
        /// implementations in the compilation; for a BCL Dispose/Close/DisposeAsync of a type of the compilation (a Stream
        /// subclass), that type's overrides of them (Dispose(bool), Close, DisposeAsync).
        /// </summary>
        private IEnumerable<IMethodSymbol> Callees(IMethodSymbol method, ITypeSymbol? receiverType)
        {
            method = method.ReducedFrom ?? method;
            if (_flow.Sources.IsSource(method) && !method.IsAbstract)
            {
                yield return method;
            }

            if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType.TypeKind == TypeKind.Interface)
            {
                foreach (var type in SourceTypes())
                {
                    var implementation = method.ContainingType.TypeKind == TypeKind.Interface
                        ? type.FindImplementationForInterfaceMember(method) as IMethodSymbol
                        : type.GetMembers(method.Name).OfType<IMethodSymbol>().FirstOrDefault(m => Overrides(m, method));
                    if (implementation != null && !SymbolEqualityComparer.Default.Equals(implementation, method) && _flow.Sources.IsSource(implementation))
                    {
                        yield return implementation;
                    }
                }
            }

            if (!_flow.Sources.IsSource(method) && KnownSymbols.IsDisposeName(method.Name))
            {
                for (var t = receiverType as INamedTypeSymbol; t != null && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, _compilation.Assembly); t = t.BaseType)
                {
                    foreach (var member in t.GetMembers().OfType<IMethodSymbol>())
                    {
                        if (member.Name is "Dispose" or "Close" or "DisposeAsync" or "DisposeAsyncCore" && !member.IsStatic && member.DeclaringSyntaxReferences.Length > 0)
                        {
                            yield return member;
                        }
                    }
                }
            }
        }

        private static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
        {
            for (var m = candidate.OverriddenMethod; m != null; m = m.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A method's operation trees: the model's (bound by the driver already) or the semantic model's.</summary>
        private IEnumerable<IOperation> RootsOf(IMethodSymbol method)
        {
            // A local function's tree has no member body for the walk (OperationHelpers.BodyOf): binding it, which binds the
            // whole member around it again, would answer nothing.
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                yield break;
            }

            method = method.PartialImplementationPart ?? method;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(_cancellationToken);
                if (!_rootsBySyntax.TryGetValue(syntax, out var root))
                {
                    // A body TLS004 kept (a type that may keep a transport) is read as the driver handed it.
                    root = _flow.Kept(syntax) ?? Bind(syntax);
                    if (root == null)
                    {
                        continue;
                    }

                    _rootsBySyntax[syntax] = root;
                }

                _ownersByRoot[syntax] = method;

                yield return root;
            }
        }

        private IOperation? Bind(SyntaxNode syntax)
        {
            long stamp = 0;
            CostProfile.Start(ref stamp);
            var root = _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, _cancellationToken);
            CostProfile.Stop("TLS003 reach: bind a body again", stamp);
            return root;
        }

        /// <summary>A class of the compilation with an instance field or property that may hold a TLS stream, or whose type
        /// is such an owner (<paramref name="level"/> up to <see cref="CloseFinder.MaxCallDepth"/>); an interface of the
        /// compilation that such a class implements.</summary>
        private bool IsOwner(ITypeSymbol? type, int level)
        {
            if (type is not INamedTypeSymbol named || level > CloseFinder.MaxCallDepth || Symbols.IsSslStream(named)
                || !SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, _compilation.Assembly))
            {
                return false;
            }

            named = named.OriginalDefinition;
            if (_owners.TryGetValue(named, out var known))
            {
                return known;
            }

            _owners[named] = false;
            var owner = named.TypeKind == TypeKind.Interface
                ? SourceTypes().Any(t => t.AllInterfaces.Contains(named, SymbolEqualityComparer.Default) && IsOwner(t, level))
                : Members(named).Any(m => _model.MayHoldTls(m) || Symbols.IsSslStream(ValueSources.TypeOf(m)) || IsOwner(ValueSources.TypeOf(m), level + 1));
            _owners[named] = owner;
            return owner;
        }

        /// <summary>The instance fields and properties of a type and of its base types in the compilation.</summary>
        private IEnumerable<ISymbol> Members(INamedTypeSymbol type)
        {
            for (var t = type; t != null && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, _compilation.Assembly); t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false, IsIndexer: false })
                    {
                        yield return member;
                    }
                }
            }
        }

        private List<INamedTypeSymbol> SourceTypes()
        {
            if (_sourceTypes == null)
            {
                _sourceTypes = new List<INamedTypeSymbol>();
                var pending = new Stack<INamespaceOrTypeSymbol>();
                pending.Push(_compilation.Assembly.GlobalNamespace);
                while (pending.Count > 0)
                {
                    foreach (var member in pending.Pop().GetMembers())
                    {
                        if (member is INamedTypeSymbol type)
                        {
                            _sourceTypes.Add(type);
                        }

                        if (member is INamespaceOrTypeSymbol container)
                        {
                            pending.Push(container);
                        }
                    }
                }
            }

            return _sourceTypes;
        }

        /// <summary>The member a body belongs to, as the driver names it (TLS001's walk of its own locals needs it).</summary>
        private ISymbol OwnerOf(IOperation operation)
        {
            var syntax = OperationHelpers.RootOf(operation).Syntax;
            if (_ownersByRoot.TryGetValue(syntax, out var owner))
            {
                return owner;
            }

            var model = operation.SemanticModel ?? _compilation.GetSemanticModel(syntax.SyntaxTree);
            return model.GetDeclaredSymbol(syntax, _cancellationToken)
                ?? (syntax.Parent is { } parent ? model.GetDeclaredSymbol(parent, _cancellationToken) : null)
                ?? _compilation.Assembly;
        }

        /// <summary>Names the member a body belongs to (a try's, given by the driver).</summary>
        public void SetOwner(IOperation root, ISymbol owner) => _ownersByRoot[root.Syntax] = owner;
    }
}
