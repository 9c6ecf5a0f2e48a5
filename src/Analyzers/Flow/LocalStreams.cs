using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Finds, per function (method, lambda, local function), the locals that hold an SslStream this function owns:
    /// by their own evidence (declared SslStream, or assigned one), with their aliases (a local copy, a cast, a
    /// StreamReader over it), and only when no reference of the group hands the stream to someone else. These are
    /// analyzed inside the method alone; everything else is left to the compilation-wide analysis.
    /// </summary>
    internal static class LocalStreams
    {
        public static Dictionary<ISymbol, EntityTable> FindOwnedByFunction(KnownSymbols symbols, IOperation root)
        {
            var references = new List<ILocalReferenceOperation>();
            var holders = FindHolders(symbols, root, references);
            var byFunction = new Dictionary<ISymbol, EntityTable>(SymbolEqualityComparer.Default);
            if (holders.Count == 0)
            {
                return byFunction;
            }

            // A holder that only ever refers to another holder (Stream stream = ssl;) is an alias of it, not a stream of its own.
            var aliases = Aliases.Find(symbols, s => s is ILocalSymbol local && holders.Contains(local), new[] { root }, localsOnly: true);
            ISymbol GroupOf(ILocalSymbol local) => aliases.TryGetValue(local, out var target) ? target : local;

            var escaped = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var reference in references)
            {
                var local = reference.Local;
                if ((holders.Contains(local) || aliases.ContainsKey(local)) && !FlowsIntoAlias(symbols, reference, aliases)
                    && StreamOwnership.Escapes(symbols, reference))
                {
                    escaped.Add(GroupOf(local));
                }
            }

            var owned = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
            foreach (var local in holders)
            {
                if (!aliases.ContainsKey(local) && !escaped.Contains(local))
                {
                    if (!owned.TryGetValue(local.ContainingSymbol, out var locals))
                    {
                        owned.Add(local.ContainingSymbol, locals = new List<ISymbol>());
                    }

                    locals.Add(local);
                }
            }

            foreach (var pair in owned)
            {
                var table = new EntityTable(pair.Value);
                foreach (var alias in aliases)
                {
                    table.AddAlias(alias.Key, table.IndexOf(alias.Value));
                }

                byFunction.Add(pair.Key, table);
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

        /// <summary>Is the reference the value given to an alias of the same stream (directly, or as the stream of an owner)?</summary>
        private static bool FlowsIntoAlias(KnownSymbols symbols, IOperation reference, Dictionary<ISymbol, ISymbol> aliases)
        {
            var current = reference;
            while (current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            if (current.Parent is IArgumentOperation { Parent: { } owner }
                && (owner is IObjectCreationOperation creation && symbols.IsOwnerType(creation.Type)
                    || owner is IInvocationOperation invocation && symbols.PipeOwnsStream(invocation)))
            {
                current = owner;
                while (current.Parent is IConversionOperation)
                {
                    current = current.Parent;
                }
            }

            var target = current.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation assignment when assignment.Value == current => OperationHelpers.ReferencedSymbol(assignment.Target),
                _ => null,
            };
            return target != null && aliases.ContainsKey(target);
        }

        private static bool HoldsSslStream(KnownSymbols symbols, ILocalSymbol local, IOperation? value) =>
            symbols.IsSslStream(local.Type) || (symbols.CanHoldSslStream(local.Type) && StreamOwnership.MayBeSslStream(symbols, value));
    }
}
