using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.Analyzers
{
    internal sealed partial class CleanupContext
    {
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _failureHandlers = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        /// <summary>
        /// True when the code calls <paramref name="method"/> from a catch block somewhere in the compilation: the method
        /// is (also) what the code runs when a connection failed, and a close written there runs on that failure path
        /// too (the TLS004 fix aborts there rather than send close_notify to a peer the code has given up on).
        /// </summary>
        public bool IsCalledFromCatch(IMethodSymbol method, CancellationToken cancellationToken) =>
            _failureHandlers.GetOrAdd(method.OriginalDefinition, m =>
            {
                foreach (var (name, _) in References(m, cancellationToken))
                {
                    if (InCatchBlock(name))
                    {
                        return true;
                    }
                }

                return false;
            });

        /// <summary>In a catch block of the function that holds <paramref name="node"/> (not in a lambda or local function
        /// declared there, which may run later).</summary>
        private static bool InCatchBlock(SyntaxNode node)
        {
            var child = node;
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case CatchClauseSyntax catchClause when child == catchClause.Block:
                        return true;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return false;
                }

                child = ancestor;
            }

            return false;
        }
    }
}
