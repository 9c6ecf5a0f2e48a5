using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// TLS004 across members and types, at the end of the compilation. For each <see cref="TlsScope"/> (a type keeping a
    /// TLS stream and its transport in members), the methods of the scope are walked from their entry along normal
    /// paths, the TLS stream taken as open there when:
    /// <list type="bullet">
    /// <item>the method can be entered from outside (public, protected, an override or interface method, a callback) and
    /// either nothing in the scope ever closes the TLS stream, or the method itself closes it (later than the transport:
    /// <c>base.Close(); _ssl.Dispose();</c>);</item>
    /// <item>or a caller reaches it with the TLS stream open (<c>Dispose()</c> calls <c>Shutdown()</c>).</item>
    /// </list>
    /// A public method that closes the transport while another public method closes the TLS stream says nothing about
    /// their order: nothing is claimed. A transport close is reported once, where the TLS stream is in reach: in the
    /// method that closes it, or at the call of a method that cannot see the TLS stream (a base class's <c>Close()</c>).
    /// Methods of other types that close the transport of an instance (<c>session.Socket.Shutdown(...)</c>, then
    /// <c>session.Dispose()</c>) are walked the same way for that instance.
    /// </summary>
    internal static class AcrossMembers
    {
        public static List<Diagnostic> Analyze(KnownSymbols symbols, FlowModel model, IReadOnlyList<TlsCreation> creations, BodyIndex index, Compilation compilation, ISet<Location> reported, CancellationToken cancellationToken)
        {
            var diagnostics = new List<Diagnostic>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var ownership = new TypeOwnership(model, compilation.Assembly);
            ReplacedWrappers.Analyze(symbols, model, creations, index, ownership, compilation, reported, diagnostics, cancellationToken);
            var scopes = TlsScope.Find(symbols, model, creations, index, ownership);
            DebugTrace.Write($"across: {scopes.Count} scopes in {watch.ElapsedMilliseconds} ms");
            if (scopes.Count == 0)
            {
                return diagnostics;
            }

            var graphs = new Dictionary<SyntaxNode, ControlFlowGraph?>();
            var implementations = new Dictionary<ISymbol, List<MemberBody>>(SymbolEqualityComparer.Default);
            var creating = new HashSet<SyntaxNode>(creations.Select(c => c.Body.Root.Syntax));
            var exception = compilation.GetTypeByMetadataName("System.Exception");
            foreach (var scope in scopes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var analysis = new ScopeAnalysis(symbols, model, scope, index, graphs, implementations, exception);
                new ScopeRun(analysis, creating, reported, diagnostics).Run();
                DebugTrace.Write($"across: scope {scope.Type.Name} run at {watch.ElapsedMilliseconds} ms");
            }

            return diagnostics;
        }

        private sealed class ScopeRun
        {
            private readonly ScopeAnalysis _analysis;
            private readonly HashSet<SyntaxNode> _creating;
            private readonly ISet<Location> _reported;
            private readonly List<Diagnostic> _diagnostics;
            private readonly Dictionary<(SyntaxNode, ISymbol?), ScopeEvents?> _events = new Dictionary<(SyntaxNode, ISymbol?), ScopeEvents?>();
            private readonly HashSet<SyntaxNode> _live = new HashSet<SyntaxNode>();
            private readonly Stack<(MemberBody Body, ISymbol? Instance)> _pending = new Stack<(MemberBody, ISymbol?)>();

            public ScopeRun(ScopeAnalysis analysis, HashSet<SyntaxNode> creating, ISet<Location> reported, List<Diagnostic> diagnostics)
            {
                _analysis = analysis;
                _creating = creating;
                _reported = reported;
                _diagnostics = diagnostics;
            }

            public void Run()
            {
                var scope = _analysis.Scope;
                var own = new List<MemberBody>();
                foreach (var body in _analysis.Index.Bodies)
                {
                    if (body.Owner is IMethodSymbol method && scope.Covers(method.ContainingType))
                    {
                        own.Add(body);
                    }
                }

                // Bodies of other types that read a transport member from an instance of the scope: session.Socket.
                var others = new List<(MemberBody Body, ISymbol Instance)>();
                var seen = new HashSet<(SyntaxNode, ISymbol)>();
                foreach (var transport in scope.Transports.OrderBy(t => t.Name, System.StringComparer.Ordinal))
                {
                    foreach (var (body, instance) in _analysis.Index.ForeignReferencesOf(transport))
                    {
                        if (body.Owner is IMethodSymbol method && !scope.Covers(method.ContainingType) && seen.Add((body.Root.Syntax, instance)))
                        {
                            others.Add((body, instance));
                        }
                    }
                }

                // Closed nowhere in the scope (outside catches): then any way in finds it open.
                var neverClosed = own.All(b => Events(b, null)?.MayCloseOwner != true);
                DebugTrace.Write($"scope {scope.Type}: {own.Count} own bodies, never closed {neverClosed}, closed in [{string.Join(", ", own.Where(b => Events(b, null)?.MayCloseOwner == true).Select(b => b.Owner.Name))}]");
                foreach (var body in own)
                {
                    var method = (IMethodSymbol)body.Owner;
                    if (!_creating.Contains(body.Root.Syntax) && IsEntry(method) && (neverClosed || Events(body, null)?.MayCloseOwner == true))
                    {
                        Enter(body, null);
                    }
                }

                foreach (var (body, instance) in others)
                {
                    if (Events(body, instance) is { } events && (neverClosed || events.MayCloseOwner))
                    {
                        Enter(body, instance);
                    }
                }

                while (_pending.Count > 0)
                {
                    var (body, instance) = _pending.Pop();
                    if (Events(body, instance) is not { } events)
                    {
                        continue;
                    }

                    DebugTrace.Write($"  live {body.Owner.Name} ({instance?.Name ?? "this"}): closes [{string.Join(", ", events.Closes.Select(c => c.What))}] stops {events.Stops.Count} reached [{string.Join(", ", events.ReachedFromEntry())}]");

                    foreach (var index in events.ReachedFromEntry())
                    {
                        var close = events.Closes[index];
                        if (close.ScopeCallee is { } callee)
                        {
                            foreach (var calleeBody in _analysis.BodiesOf(callee))
                            {
                                if (scope.Covers(calleeBody.Owner.ContainingType))
                                {
                                    Enter(calleeBody, null);
                                }
                            }
                        }
                        else
                        {
                            Report(body, instance, close);
                        }
                    }
                }
            }

            private void Enter(MemberBody body, ISymbol? instance)
            {
                if (instance != null || _live.Add(body.Root.Syntax))
                {
                    _pending.Push((body, instance));
                }
            }

            private ScopeEvents? Events(MemberBody body, ISymbol? instance)
            {
                if (!_events.TryGetValue((body.Root.Syntax, instance), out var events))
                {
                    events = ScopeEvents.Of(_analysis, body, instance);
                    _events.Add((body.Root.Syntax, instance), events);
                }

                return events;
            }

            /// <summary>Can code outside the type's own calls run it: public or protected, an override or an interface
            /// method (called through the base or the interface), or a method handed over as a delegate (a callback, a
            /// timer, an event handler)?</summary>
            private bool IsEntry(IMethodSymbol method)
            {
                if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation or MethodKind.PropertyGet or MethodKind.PropertySet))
                {
                    return false;
                }

                return method.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal or Accessibility.ProtectedAndInternal
                    || method.IsOverride || method.MethodKind == MethodKind.ExplicitInterfaceImplementation || ImplementsInterface(method)
                    || _analysis.Index.DelegateUsesOf(method).Any();
            }

            private static bool ImplementsInterface(IMethodSymbol method)
            {
                foreach (var face in method.ContainingType.AllInterfaces)
                {
                    foreach (var member in face.GetMembers(method.Name))
                    {
                        if (member is IMethodSymbol interfaceMethod
                            && SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(interfaceMethod), method))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private void Report(MemberBody body, ISymbol? instance, ScopeClose close)
            {
                var location = close.Site.Syntax.GetLocation();
                var from = body.Owner.ContainingType;
                var stream = instance == null
                    ? _analysis.Scope.StreamToClose(_analysis.Symbols, from)
                    : _analysis.Scope.StreamToClose(_analysis.Symbols, ValueSources.TypeOf(instance) as INamedTypeSymbol ?? from);
                if (!_reported.Add(location))
                {
                    return;
                }

                var owner = stream ?? _analysis.Scope.Owners.OrderBy(o => o.Name, System.StringComparer.Ordinal).First();
                var name = instance == null ? owner.Name : instance.Name + "." + owner.Name;
                var properties = stream == null
                    ? ImmutableDictionary<string, string?>.Empty
                    : TransportClosedUnderTlsAnalyzer.PropertiesOf(_analysis.Symbols, stream)
                        .Add(TransportClosedUnderTlsAnalyzer.InstanceProperty, instance?.Name);
                _diagnostics.Add(Diagnostic.Create(Descriptors.TransportClosedUnderTlsAcrossMethods, location, properties, close.What, name));
            }
        }
    }
}
