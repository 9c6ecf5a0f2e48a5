using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// What each method of the compilation calls, read from the invocations the driver hands the flow model anyway: whether
    /// it calls anything that could close (a Dispose, Close, DisposeAsync or Complete name, ShutdownAsync, a configured
    /// closing method, the CloseNotify runtime, a native or partial import) or has a using, and which methods of the
    /// compilation (or virtual and interface methods, which one may implement) it calls. TLS003's reach (<see
    /// cref="CloseReach"/>) asks it before binding a callee's body again at the end of the compilation: a method that
    /// reaches none of those within the calls left cannot raise a close error (measured on StackExchange.Redis: 70
    /// bodies bound again, 300-600 ms, for 41 tries; docs/cost.md).
    /// </summary>
    internal sealed class CallIndex
    {
        private readonly ValueSources _sources;
        private readonly TlsOptions _options;
        private readonly ConcurrentDictionary<IMethodSymbol, Calls> _methods = new ConcurrentDictionary<IMethodSymbol, Calls>(SymbolEqualityComparer.Default);

        private Dictionary<string, List<IMethodSymbol>>? _byName;

        [System.ThreadStatic]
        private static LastMethod? _last;

        public CallIndex(ValueSources sources, TlsOptions options)
        {
            _sources = sources;
            _options = options;
        }

        /// <summary>Reads one invocation of <paramref name="owner"/>'s body (the driver runs one body's operations on one thread).</summary>
        public void Note(IInvocationOperation invocation, ISymbol owner)
        {
            if (owner is not IMethodSymbol method)
            {
                return;
            }

            var target = invocation.TargetMethod;
            if (MayClose(target, invocation))
            {
                CallsOf(method).Closes = true;
            }
            else if (_sources.IsSource(target) || target.IsVirtual || target.IsAbstract || target.IsOverride || target.ContainingType?.TypeKind == TypeKind.Interface)
            {
                // As called (a constructed generic interface method finds its implementation only so), like the walk.
                CallsOf(method).Targets.Add(target);
            }
        }

        /// <summary>The driver handed <paramref name="owner"/>'s body over whole (TLS001's block action, or <see cref="FlowFeed"/>):
        /// a method with no call read is then known to call nothing. Generated code, which the driver does not hand over,
        /// stays unknown.</summary>
        public void NoteBody(ISymbol owner)
        {
            if (owner is IMethodSymbol method)
            {
                CallsOf(method);
            }
        }

        /// <summary>A using in <paramref name="owner"/>'s body: its disposal may close.</summary>
        public void NoteUsing(ISymbol owner)
        {
            if (owner is IMethodSymbol method)
            {
                CallsOf(method).Closes = true;
            }
        }

        /// <summary>The methods whose calls were read that have this name (every override or implementation of a
        /// method among them, when the driver handed every body over); indexed at the first question, after the last body.</summary>
        public IReadOnlyList<IMethodSymbol> Named(string name)
        {
            var byName = _byName;
            if (byName == null)
            {
                byName = new Dictionary<string, List<IMethodSymbol>>(System.StringComparer.Ordinal);
                foreach (var method in _methods.Keys)
                {
                    // An explicit implementation is named "IChannel.CloseAsync": indexed under the interface method's name.
                    if (method.ExplicitInterfaceImplementations.IsEmpty)
                    {
                        Add(byName, method.Name, method);
                    }

                    foreach (var implemented in method.ExplicitInterfaceImplementations)
                    {
                        Add(byName, implemented.Name, method);
                    }
                }

                _byName = byName;
            }

            return byName.TryGetValue(name, out var named) ? named : (IReadOnlyList<IMethodSymbol>)System.Array.Empty<IMethodSymbol>();
        }

        private static void Add(Dictionary<string, List<IMethodSymbol>> byName, string name, IMethodSymbol method)
        {
            if (!byName.TryGetValue(name, out var list))
            {
                byName.Add(name, list = new List<IMethodSymbol>());
            }

            list.Add(method);
        }

        /// <summary>What the method's body calls, or null when no call of it was read (then nothing is known).</summary>
        public Calls? Of(IMethodSymbol method) =>
            _methods.TryGetValue((method.PartialImplementationPart ?? method).OriginalDefinition, out var calls) ? calls : null;

        private Calls CallsOf(IMethodSymbol method)
        {
            // A body's operations come one after another on one thread: most calls find their method's entry here.
            var last = _last;
            if (last != null && ReferenceEquals(last.Method, method))
            {
                return last.Calls;
            }

            var calls = _methods.GetOrAdd(method.OriginalDefinition, _ => new Calls());
            _last = new LastMethod(method, calls);
            return calls;
        }

        /// <summary>By name first: what <see cref="CloseFinder"/> may take for a close, or an import whose body is not here. A
        /// Dispose, Close or Complete counts when its receiver may hold a TLS stream or be an owner of one (a type that can
        /// hold a stream, or one of the compilation): a CancellationTokenSource's or a timer's does not.</summary>
        private bool MayClose(IMethodSymbol method, IInvocationOperation invocation) =>
            (KnownSymbols.IsDisposeName(method.Name) && MayHoldOrOwn(OperationHelpers.ResolveReceiver(invocation.Instance)?.Type ?? method.ContainingType))
            || method.Name == "ShutdownAsync" || method.IsExtern || method.IsPartialDefinition
            || method.ContainingType?.Name is "TlsClose" or "OpenSslShutdown" || _options.IsClosingMethod(method);

        private bool MayHoldOrOwn(ITypeSymbol? type) =>
            type == null || type.TypeKind is TypeKind.TypeParameter or TypeKind.Error || _sources.IsRelevant(type)
            || SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _sources.Assembly);

        private sealed class LastMethod
        {
            public LastMethod(IMethodSymbol method, Calls calls)
            {
                Method = method;
                Calls = calls;
            }

            public IMethodSymbol Method { get; }

            public Calls Calls { get; }
        }

        /// <summary>One method's calls.</summary>
        internal sealed class Calls
        {
            /// <summary>Calls something that may close, or has a using.</summary>
            public bool Closes { get; set; }

            /// <summary>The methods it calls that a body of the compilation may implement.</summary>
            public HashSet<IMethodSymbol> Targets { get; } = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        }
    }
}
