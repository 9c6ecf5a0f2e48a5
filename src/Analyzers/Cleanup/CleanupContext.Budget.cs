using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers
{
    internal sealed partial class CleanupContext
    {
        /// <summary>The methods one question has searched, and whether an answer is incomplete (the bound was hit, or a
        /// cycle of calls was cut): incomplete answers are not cached.</summary>
        private sealed class Budget
        {
            private readonly Dictionary<IMethodSymbol, int> _entered = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
            private readonly HashSet<IMethodSymbol> _inProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            public bool Incomplete { get; private set; }

            public bool Enter(IMethodSymbol method, int levels)
            {
                method = method.OriginalDefinition;
                if (_inProgress.Contains(method) || _entered.Count >= MaxMethodsPerQuestion)
                {
                    Incomplete = true;
                    return false;
                }

                // Searched already in this question, by another path with at least as many levels: nothing new there.
                if (_entered.TryGetValue(method, out var searched) && searched >= levels)
                {
                    return false;
                }

                _entered[method] = levels;
                _inProgress.Add(method);
                return true;
            }

            public void Leave(IMethodSymbol method) => _inProgress.Remove(method.OriginalDefinition);
        }

        private sealed class MethodLevelsComparer : IEqualityComparer<(IMethodSymbol Method, int Levels)>
        {
            public bool Equals((IMethodSymbol Method, int Levels) x, (IMethodSymbol Method, int Levels) y) =>
                x.Levels == y.Levels && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

            public int GetHashCode((IMethodSymbol Method, int Levels) obj) => (SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 31) + obj.Levels;
        }
    }
}
