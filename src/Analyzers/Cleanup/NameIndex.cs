using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.Analyzers
{
    /// <summary>The names a syntax tree refers to, so that a search for a method's callers binds only the trees that
    /// mention its name (the way Roslyn's own reference search starts). Kept per tree, not per compilation: in the IDE a
    /// tree outlives the compilations made by edits to other files.</summary>
    internal static class NameIndex
    {
        private static readonly ConditionalWeakTable<SyntaxTree, HashSet<string>> Names = new ConditionalWeakTable<SyntaxTree, HashSet<string>>();

        public static HashSet<string> Of(SyntaxTree tree, CancellationToken cancellationToken)
        {
            if (Names.TryGetValue(tree, out var names))
            {
                return names;
            }

            names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in tree.GetRoot(cancellationToken).DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax)
                {
                    names.Add(token.ValueText);
                }
            }

            // Never written after this: concurrent readers are safe.
            return Names.GetValue(tree, _ => names);
        }
    }
}
