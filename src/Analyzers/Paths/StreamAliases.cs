using System.Collections.Generic;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>Which symbols of one member name the same stream: what the path rules (TLS004-TLS006) follow inside it.</summary>
    internal static class StreamAliases
    {
        /// <summary>The stream and the locals that copy it in this member (<c>Stream s = ssl;</c>, <c>var ssl = _stream as SslStream;</c>, <c>_stream is SslStream ssl</c>).</summary>
        public static HashSet<ISymbol> Of(IOperation root, ISymbol stream)
        {
            var aliases = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { stream };
            var copies = new List<(ISymbol Target, ISymbol Source)>();
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when Copied(initializer.Value) is { } source:
                        copies.Add((declarator.Symbol, source));
                        break;
                    case IIsPatternOperation { Pattern: IDeclarationPatternOperation { DeclaredSymbol: { } declared } } pattern when Copied(pattern.Value) is { } tested:
                        copies.Add((declared, tested));
                        break;
                    case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is { } target && Copied(assignment.Value) is { } value:
                        copies.Add((target, value));
                        break;
                }
            }

            // Both ways: a copy of the stream is the stream, and so is what the stream was copied from, to a fixed point.
            var changed = true;
            while (changed)
            {
                changed = false;
                foreach (var (target, source) in copies)
                {
                    if ((target is ILocalSymbol || source is ILocalSymbol) && aliases.Contains(target) != aliases.Contains(source))
                    {
                        aliases.Add(target);
                        aliases.Add(source);
                        changed = true;
                    }
                }
            }

            return aliases;
        }

        /// <summary>The symbol a value copies as it is: <c>ssl</c>, <c>(Stream)ssl</c>, <c>_stream as SslStream</c>.</summary>
        private static ISymbol? Copied(IOperation value) => OperationHelpers.ReferencedSymbol(value);
    }
}
