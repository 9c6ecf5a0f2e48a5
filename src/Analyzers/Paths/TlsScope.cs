using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// A type whose instances keep a TLS stream and its transport in members of their own (declared or inherited):
    /// <c>_ssl</c> over <c>_socket</c>, a <c>Stream</c> field over the <c>TcpClient</c> field. Its owners are the members
    /// that may hold the TLS stream (the flow model's answer) or own it (a reader, a pipe, a protocol handler of the
    /// compilation whose fields hold it); its transports, the members the stream was created over.
    /// </summary>
    internal sealed class TlsScope
    {
        public TlsScope(INamedTypeSymbol type)
        {
            Type = type;
        }

        /// <summary>The most derived of the types declaring an owner and a transport.</summary>
        public INamedTypeSymbol Type { get; }

        /// <summary>Members that may hold the TLS stream itself (Stream-typed), by the flow model.</summary>
        public HashSet<ISymbol> Streams { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>Members whose disposal may close the TLS stream: <see cref="Streams"/>, and members whose type owns it.</summary>
        public HashSet<ISymbol> Owners { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>The owners that do not hold the stream but own it through their own fields: only their disposal counts.</summary>
        public HashSet<ISymbol> TypeOwners { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        public HashSet<ISymbol> Transports { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>Whether a method of <paramref name="type"/> sees an owner and a transport through <c>this</c>.</summary>
        public bool Covers(INamedTypeSymbol? type) =>
            type != null && Owners.Any(o => Sees(type, o)) && Transports.Any(t => Sees(type, t));

        public static bool Sees(INamedTypeSymbol type, ISymbol member)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, member.ContainingType?.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The member to name and close: an SslStream-typed one first, then a Stream, in name order.</summary>
        public ISymbol? StreamToClose(KnownSymbols symbols, INamedTypeSymbol from) =>
            Streams.Where(s => Sees(from, s))
                .OrderBy(s => symbols.IsSslStream(ValueSources.TypeOf(s)) ? 0 : 1)
                .ThenBy(s => s.Name, System.StringComparer.Ordinal)
                .FirstOrDefault();

        /// <summary>
        /// The scopes of a compilation: for each used TLS stream created over members (<see cref="TransportLinks"/>), the
        /// type that sees both one of its holders and one of those members. A member that may hold the TLS stream is
        /// never its transport too (<c>_stream = new SslStream(_stream)</c>): disposing it may be either.
        /// </summary>
        public static List<TlsScope> Find(KnownSymbols symbols, FlowModel model, IEnumerable<TlsCreation> creations, BodyIndex index, TypeOwnership ownership)
        {
            var scopes = new Dictionary<INamedTypeSymbol, TlsScope>(SymbolEqualityComparer.Default);
            var holders = HoldersByOrigin(model);
            foreach (var creation in creations)
            {
                var origin = OriginOf(model, creation.Site);
                if (origin < 0 || !model.IsUsed(origin) || !holders.TryGetValue(origin, out var streams))
                {
                    DebugTrace.Write($"creation {creation.Site} origin {origin} used {(origin >= 0 && model.IsUsed(origin))} no holders");
                    continue;
                }

                var transports = TransportLinks.MembersOf(creation, index, model).Where(t => !model.MayHoldTls(t)).ToList();
                DebugTrace.Write($"creation {creation.Site} origin {origin} transports [{string.Join(", ", creation.Transports)}] members [{string.Join(", ", transports)}] holders [{string.Join(", ", streams)}]");
                foreach (var stream in streams)
                {
                    foreach (var transport in transports)
                    {
                        if (Deeper(stream.ContainingType, transport.ContainingType) is not { } type)
                        {
                            continue;
                        }

                        if (!scopes.TryGetValue(type, out var scope))
                        {
                            scopes.Add(type, scope = new TlsScope(type));
                        }

                        scope.Owners.Add(stream);
                        if (symbols.CanHoldSslStream(ValueSources.TypeOf(stream)))
                        {
                            scope.Streams.Add(stream);
                        }

                        scope.Transports.Add(transport);
                    }
                }
            }

            // Members that own the stream without holding it (a pipe, a reader, a protocol handler whose fields hold it):
            // disposing one may close it.
            foreach (var scope in scopes.Values)
            {
                foreach (var member in MembersSeenBy(scope.Type))
                {
                    if (scope.Transports.Contains(member))
                    {
                        continue;
                    }

                    if (model.MayHoldTls(member))
                    {
                        scope.Owners.Add(member.OriginalDefinition);
                    }
                    else if (ownership.MayOwnTls(ValueSources.TypeOf(member)))
                    {
                        scope.Owners.Add(member.OriginalDefinition);
                        scope.TypeOwners.Add(member.OriginalDefinition);
                    }
                }
            }

            foreach (var scope in scopes.Values)
            {
                DebugTrace.Write($"scope {scope.Type}: owners [{string.Join(", ", scope.Owners)}] streams [{string.Join(", ", scope.Streams)}] transports [{string.Join(", ", scope.Transports)}]");
            }

            return scopes.Values.OrderBy(s => s.Type.ToDisplayString(), System.StringComparer.Ordinal).ToList();
        }

        private static int OriginOf(FlowModel model, SyntaxNode site)
        {
            for (var i = 0; i < model.Origins.Length; i++)
            {
                if (model.Origins[i].Kind == OriginKind.Created && model.Origins[i].Site == site)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Per origin, the instance fields and properties of the compilation that may hold it.</summary>
        private static Dictionary<int, List<ISymbol>> HoldersByOrigin(FlowModel model)
        {
            var holders = new Dictionary<int, List<ISymbol>>();
            foreach (var symbol in model.HoldingSymbols())
            {
                if (symbol is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false, IsIndexer: false })
                {
                    foreach (var origin in model.OriginsOf(symbol))
                    {
                        if (!holders.TryGetValue(origin, out var list))
                        {
                            holders.Add(origin, list = new List<ISymbol>());
                        }

                        list.Add(symbol);
                    }
                }
            }

            return holders;
        }

        /// <summary>The one of two types that derives from the other (or either, when equal); null when unrelated.</summary>
        private static INamedTypeSymbol? Deeper(INamedTypeSymbol? a, INamedTypeSymbol? b)
        {
            if (a == null || b == null)
            {
                return null;
            }

            a = a.OriginalDefinition;
            b = b.OriginalDefinition;
            for (var t = a; t != null; t = t.BaseType?.OriginalDefinition)
            {
                if (SymbolEqualityComparer.Default.Equals(t, b))
                {
                    return a;
                }
            }

            for (var t = b; t != null; t = t.BaseType?.OriginalDefinition)
            {
                if (SymbolEqualityComparer.Default.Equals(t, a))
                {
                    return b;
                }
            }

            return null;
        }

        private static IEnumerable<ISymbol> MembersSeenBy(INamedTypeSymbol type)
        {
            for (var t = type; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } or IPropertySymbol { IsStatic: false, IsIndexer: false })
                    {
                        yield return member;
                    }
                }
            }
        }
    }
}
