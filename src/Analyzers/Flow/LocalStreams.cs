using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Finds, per function (method, lambda, local function), the locals that hold an SslStream this function owns.</summary>
    internal static class LocalStreams
    {
        public static Dictionary<ISymbol, List<ILocalSymbol>> FindOwnedByFunction(KnownSymbols symbols, IOperation root)
        {
            var references = new List<ILocalReferenceOperation>();
            var candidates = FindHolders(symbols, root, references);
            var byFunction = new Dictionary<ISymbol, List<ILocalSymbol>>(SymbolEqualityComparer.Default);
            if (candidates.Count == 0)
            {
                return byFunction;
            }

            foreach (var reference in references)
            {
                if (candidates.Contains(reference.Local) && StreamOwnership.Escapes(symbols, reference))
                {
                    candidates.Remove(reference.Local);
                }
            }

            foreach (var local in candidates)
            {
                if (!byFunction.TryGetValue(local.ContainingSymbol, out var locals))
                {
                    byFunction.Add(local.ContainingSymbol, locals = new List<ILocalSymbol>());
                }

                locals.Add(local);
            }

            return byFunction;
        }

        /// <summary>Every local in <paramref name="root"/> that may hold an SslStream, owned or not.</summary>
        public static HashSet<ILocalSymbol> FindHolders(KnownSymbols symbols, IOperation root, List<ILocalReferenceOperation>? references = null)
        {
            var holders = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when HoldsSslStream(symbols, declarator.Symbol, declarator.Initializer?.Value):
                        holders.Add(declarator.Symbol);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                        when HoldsSslStream(symbols, target.Local, assignment.Value):
                        holders.Add(target.Local);
                        break;
                    case ILocalReferenceOperation reference:
                        references?.Add(reference);
                        break;
                }
            }

            return holders;
        }

        /// <summary>Is this declarator or assignment a local taking an SslStream? (the cheap test that starts a method's analysis)</summary>
        public static bool IsHolderAssignment(KnownSymbols symbols, IOperation operation) => operation switch
        {
            IVariableDeclaratorOperation declarator => HoldsSslStream(symbols, declarator.Symbol, declarator.Initializer?.Value),
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment => HoldsSslStream(symbols, target.Local, assignment.Value),
            _ => false,
        };

        private static bool HoldsSslStream(KnownSymbols symbols, ILocalSymbol local, IOperation? value) =>
            symbols.IsSslStream(local.Type) || (symbols.CanHoldSslStream(local.Type) && StreamOwnership.MayBeSslStream(symbols, value));
    }
}
