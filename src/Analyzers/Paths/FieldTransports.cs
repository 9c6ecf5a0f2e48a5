using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>An SslStream a member puts in a field of its type, over a transport that is a field of that type too.</summary>
    internal sealed class FieldCandidate
    {
        public FieldCandidate(INamedTypeSymbol type, HashSet<ISymbol> tls, HashSet<ISymbol> transports, SyntaxNode creatingBody)
        {
            Type = type;
            Tls = tls;
            Transports = transports;
            CreatingBody = creatingBody;
        }

        public INamedTypeSymbol Type { get; }

        /// <summary>The private fields (and the creating member's locals) that hold the TLS stream.</summary>
        public HashSet<ISymbol> Tls { get; }

        public HashSet<ISymbol> Transports { get; }

        public SyntaxNode CreatingBody { get; }
    }

    /// <summary>
    /// TLS004 across the members of one type (at the end of the compilation): the TLS stream lives in a private field
    /// that nothing in the type ever closes, disposes, copies or hands on (only reads, writes, handshakes and property
    /// reads), and another member closes the transport field under it. Any other use of the field (a Dispose, a
    /// ShutdownAsync, an argument, a return, a copy) means it may be closed somewhere, in an order a member-by-member
    /// view cannot tell: nothing is claimed for that type then (precision over reach).
    /// </summary>
    internal static class FieldTransports
    {
        /// <summary>Types that hold both something that can be an SslStream and something that can be its transport:
        /// the only ones whose bodies are kept for the end of the compilation.</summary>
        public static bool MayHoldBoth(KnownSymbols symbols, INamedTypeSymbol type)
        {
            var tls = 0;
            var transport = 0;
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false } field)
                {
                    var canHold = symbols.CanHoldSslStream(field.Type);
                    tls += canHold && field.DeclaredAccessibility == Accessibility.Private ? 1 : 0;
                    transport += canHold || field.Type.Name is "Socket" or "TcpClient" ? 1 : 0;
                }
            }

            // Two fields at least: one for the TLS stream, another for what it runs over.
            return tls > 0 && transport > 1;
        }

        public static IEnumerable<Diagnostic> Analyze(KnownSymbols symbols, IEnumerable<FieldCandidate> candidates, ConcurrentDictionary<INamedTypeSymbol, ConcurrentBag<IOperation>> bodies)
        {
            foreach (var group in candidates.GroupBy(c => c.Type, SymbolEqualityComparer.Default))
            {
                if (group.Key is not INamedTypeSymbol type || !bodies.TryGetValue(type, out var roots))
                {
                    continue;
                }

                var tls = new HashSet<ISymbol>(group.SelectMany(c => c.Tls), SymbolEqualityComparer.Default);
                var transports = new HashSet<ISymbol>(group.SelectMany(c => c.Transports).Where(t => t is IFieldSymbol or IPropertySymbol && !tls.Contains(t)), SymbolEqualityComparer.Default);
                var creating = new HashSet<SyntaxNode>(group.Select(c => c.CreatingBody));
                var ordered = roots.OrderBy(r => r.Syntax.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(r => r.Syntax.SpanStart).ToList();
                if (transports.Count == 0 || ordered.Any(root => Touches(symbols, root, tls)))
                {
                    continue;
                }

                var ssl = tls.OfType<IFieldSymbol>().OrderBy(f => f.Name, System.StringComparer.Ordinal).First();
                foreach (var root in ordered.Where(r => !creating.Contains(r.Syntax)))
                {
                    foreach (var call in root.Descendants().OfType<IInvocationOperation>())
                    {
                        if (TransportEvents.IsTransportClose(symbols, call, transports) is { } transport && !InCatch(call))
                        {
                            yield return Diagnostic.Create(
                                Descriptors.TransportClosedUnderTlsAcrossMethods, OperationHelpers.OutermostCallExpression(call).Syntax.GetLocation(),
                                TransportClosedUnderTlsAnalyzer.PropertiesOf(symbols, ssl), transport + "." + call.TargetMethod.Name, ssl.Name);
                        }
                    }
                }
            }
        }

        /// <summary>A use of the TLS stream other than I/O, a property read, a null test or a fresh assignment.</summary>
        private static bool Touches(KnownSymbols symbols, IOperation root, HashSet<ISymbol> tls)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is not (ILocalReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation)
                    || OperationHelpers.ReferencedSymbol(operation) is not { } symbol || !tls.Contains(symbol))
                {
                    continue;
                }

                var use = operation;
                while (use.Parent is IConversionOperation)
                {
                    use = use.Parent;
                }

                var harmless = use.Parent switch
                {
                    IInvocationOperation call when call.Instance == use => symbols.IsUse(call.TargetMethod),
                    IPropertyReferenceOperation property when property.Instance == use => true,
                    IConditionalAccessOperation access when access.Operation == use =>
                        access.WhenNotNull is IPropertyReferenceOperation || access.WhenNotNull is IInvocationOperation call && symbols.IsUse(call.TargetMethod),
                    ISimpleAssignmentOperation assignment when assignment.Target == use => IsFresh(symbols, assignment.Value, tls),
                    ISimpleAssignmentOperation assignment when assignment.Value == use => OperationHelpers.ReferencedSymbol(assignment.Target) is { } target && tls.Contains(target),
                    IBinaryOperation or IIsPatternOperation or IIsTypeOperation => true,
                    _ => false,
                };
                if (!harmless)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>null, a new SslStream, or another holder of the same stream: what the field may be given and stay ours.</summary>
        private static bool IsFresh(KnownSymbols symbols, IOperation value, HashSet<ISymbol> tls)
        {
            value = OperationHelpers.StripConversions(value)!;
            return value.ConstantValue is { HasValue: true, Value: null } || value is IDefaultValueOperation
                || value is IObjectCreationOperation creation && symbols.IsSslStream(creation.Type)
                || OperationHelpers.ReferencedSymbol(value) is { } source && tls.Contains(source);
        }

        private static bool InCatch(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is ICatchClauseOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
