using System.Collections.Generic;
using System.Threading;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// TLS004 through a property setter of another type, at the end of the compilation. A protocol object talks through a
    /// wrapper over the transport (a byte handler, a framer); the upgrade wraps the transport in an SslStream,
    /// authenticates, and gives the protocol object a new wrapper over the SslStream (<c>_protocol.Framer = new
    /// Framer(ssl)</c>). When that property's setter disposes the value it replaces, and the value it replaces may be a
    /// wrapper that disposes the transport, the transport is closed under the TLS stream right after its handshake.
    /// Reported at the assignment: the setter cannot see the TLS stream, and is right wherever the old value owns
    /// nothing the new one needs. Only the member creating the SslStream is walked, and only when it assigns a
    /// property whose setter (or an implementation's) disposes its previous value.
    /// </summary>
    internal static class ReplacedWrappers
    {
        public static void Analyze(KnownSymbols symbols, FlowModel model, IReadOnlyList<TlsCreation> creations, BodyIndex index, TypeOwnership ownership, Compilation compilation, ISet<Location> reported, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            WrapperFacts? facts = null;
            foreach (var creation in creations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var root = creation.Body.Root;
                var assignments = PropertyAssignments(root);
                if (assignments.Count == 0 || Creation(root, creation.Site) is not { } site || TransportClosedUnderTlsAnalyzer.TlsTarget(site) is not { } ssl)
                {
                    continue;
                }

                facts ??= new WrapperFacts(symbols, model, index, ownership, compilation, cancellationToken);
                var transports = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                foreach (var member in TransportLinks.MembersOf(creation, index, model))
                {
                    if (!model.MayHoldTls(member))
                    {
                        transports.Add(member);
                    }
                }

                var hits = new List<(ISimpleAssignmentOperation Assignment, string Wrapper, string Transport)>();
                foreach (var assignment in assignments)
                {
                    var property = ((IPropertyReferenceOperation)assignment.Target).Property.OriginalDefinition;
                    foreach (var (implementation, backing) in facts.DisposingSetters(property))
                    {
                        var slots = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { property, implementation, backing };
                        if (OldWrapper(facts, index, creation, transports, slots) is { } old)
                        {
                            hits.Add((assignment, old.Wrapper, old.Transport));
                            break;
                        }
                    }
                }

                if (hits.Count > 0)
                {
                    Report(symbols, creation, ssl, hits, reported, diagnostics);
                }
            }
        }

        /// <summary>Assignments of a property of an object (<c>x.P = v</c>, <c>P = v</c>) whose type is a reference type.</summary>
        private static List<ISimpleAssignmentOperation> PropertyAssignments(IOperation root)
        {
            var found = new List<ISimpleAssignmentOperation>();
            foreach (var operation in root.Descendants())
            {
                if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { IsStatic: false, IsIndexer: false, SetMethod: not null } property } } assignment
                    && property.Type.IsReferenceType && property.Type.SpecialType == SpecialType.None)
                {
                    found.Add(assignment);
                }
            }

            return found;
        }

        private static IObjectCreationOperation? Creation(IOperation root, SyntaxNode site)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is IObjectCreationOperation creation && creation.Syntax == site)
                {
                    return creation;
                }
            }

            return null;
        }

        /// <summary>A wrapper made over one of the transports (in the bodies of the transports' types, or in the creating
        /// body), that disposes it, and that is stored in one of <paramref name="slots"/>: the wrapper's type and the
        /// transport's name.</summary>
        private static (string Wrapper, string Transport)? OldWrapper(WrapperFacts facts, BodyIndex index, TlsCreation creation, HashSet<ISymbol> transports, HashSet<ISymbol> slots)
        {
            var types = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            var candidates = new List<(MemberBody Body, IObjectCreationOperation Creation)>();
            foreach (var transport in transports)
            {
                if (transport.ContainingType is { } type && types.Add(type.OriginalDefinition))
                {
                    candidates.AddRange(index.CreationsIn(type));
                }
            }

            var aliases = new Dictionary<SyntaxNode, HashSet<ISymbol>>();
            foreach (var (body, wrapper) in candidates)
            {
                if (!aliases.TryGetValue(body.Root.Syntax, out var local))
                {
                    aliases.Add(body.Root.Syntax, local = LocalTransports(body.Root, transports));
                }

                foreach (var argument in wrapper.Arguments)
                {
                    if (OperationHelpers.ReferencedSymbol(argument.Value) is { } given && (transports.Contains(given) || local.Contains(given))
                        && facts.OwnsArgument(wrapper, argument) && facts.StoredIn(wrapper, body.Root).Overlaps(slots))
                    {
                        return (wrapper.Type?.Name ?? "wrapper", TransportName(given, body.Root, transports));
                    }
                }
            }

            return null;
        }

        /// <summary>The locals and parameters of a body that hold one of the transports: stored in one (<c>_stream =
        /// transport</c>), or copied from one.</summary>
        private static HashSet<ISymbol> LocalTransports(IOperation root, HashSet<ISymbol> transports)
        {
            var found = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in root.Descendants())
            {
                var (target, source) = operation switch
                {
                    ISimpleAssignmentOperation assignment => (OperationHelpers.ReferencedSymbol(assignment.Target), OperationHelpers.ReferencedSymbol(assignment.Value)),
                    IVariableDeclaratorOperation { Initializer: { } initializer } declarator => (declarator.Symbol, OperationHelpers.ReferencedSymbol(initializer.Value)),
                    _ => (null, null),
                };
                if (target != null && source != null)
                {
                    if (transports.Contains(target) && source is ILocalSymbol or IParameterSymbol)
                    {
                        found.Add(source);
                    }
                    else if (transports.Contains(source) && target is ILocalSymbol)
                    {
                        found.Add(target);
                    }
                }
            }

            return found;
        }

        /// <summary>The transport member a local or parameter stands for, named as the type names it.</summary>
        private static string TransportName(ISymbol given, IOperation root, HashSet<ISymbol> transports)
        {
            if (transports.Contains(given))
            {
                return given.Name;
            }

            foreach (var operation in root.Descendants())
            {
                if (operation is ISimpleAssignmentOperation assignment && OperationHelpers.ReferencedSymbol(assignment.Target) is { } target && transports.Contains(target)
                    && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(assignment.Value), given))
                {
                    return target.Name;
                }
            }

            return given.Name;
        }

        /// <summary>Reports each assignment reached from a use of the TLS stream on a normal path, before the TLS stream is
        /// closed or handed to anything but the new value of that assignment.</summary>
        private static void Report(KnownSymbols symbols, TlsCreation creation, ISymbol ssl, List<(ISimpleAssignmentOperation Assignment, string Wrapper, string Transport)> hits, ISet<Location> reported, List<Diagnostic> diagnostics)
        {
            var root = creation.Body.Root;
            if (ScopeAnalysis.GraphOf(root) is not { } graph)
            {
                return;
            }

            var paths = new NormalPaths(graph);
            var aliases = StreamAliases.Of(root, ssl);
            var events = new TransportEvents(symbols, paths, aliases, new HashSet<ISymbol>(SymbolEqualityComparer.Default), creation.Body.Owner.ContainingType);
            events.Collect(root);
            var noSession = new NoSession(symbols, paths, root, o => OperationHelpers.ReferencedSymbol(o) is { } symbol && aliases.Contains(symbol));
            foreach (var (assignment, wrapper, transport) in hits)
            {
                if (!paths.TryLocate(assignment.Syntax, out var target))
                {
                    continue;
                }

                // The new value takes the TLS stream over: handing it to that wrapper is no close.
                var given = NewValueSites(paths, root, assignment.Value);
                var stops = new List<PathPoint>();
                foreach (var stop in events.Stops)
                {
                    if (!given.Contains((stop.Block, stop.Index, stop.Start)))
                    {
                        stops.Add(stop);
                    }
                }

                var location = assignment.Syntax.GetLocation();
                foreach (var use in events.Uses)
                {
                    if (paths.Reached(use, new[] { target }, stops, noSession.DeadSide, targetsStop: true).Count > 0)
                    {
                        if (reported.Add(location))
                        {
                            var name = assignment.Target.Syntax.ToString();
                            diagnostics.Add(Diagnostic.Create(Descriptors.TransportClosedUnderTlsBySetter, location, name, wrapper, transport, ssl.Name));
                        }

                        break;
                    }
                }
            }
        }

        /// <summary>Where the new value of an assignment is made (<c>new Framer(ssl)</c>, in place or in the local assigned).</summary>
        private static HashSet<(int, int, int)> NewValueSites(NormalPaths paths, IOperation root, IOperation value)
        {
            var sites = new HashSet<(int, int, int)>();
            value = OperationHelpers.StripConversions(value)!;
            var made = new List<IOperation> { value };
            if (value is ILocalReferenceOperation local)
            {
                foreach (var operation in root.Descendants())
                {
                    if (operation is IVariableDeclaratorOperation { Initializer: { } initializer } declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local))
                    {
                        made.Add(OperationHelpers.StripConversions(initializer.Value)!);
                    }
                    else if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } other && SymbolEqualityComparer.Default.Equals(target.Local, local.Local))
                    {
                        made.Add(OperationHelpers.StripConversions(other.Value)!);
                    }
                }
            }

            foreach (var operation in made)
            {
                if (operation is IObjectCreationOperation && paths.TryLocate(operation.Syntax, out var point))
                {
                    sites.Add((point.Block, point.Index, point.Start));
                }
            }

            return sites;
        }
    }
}
