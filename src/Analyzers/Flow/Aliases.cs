using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Finds the symbols that only ever refer to one tracked stream: <c>Stream stream = ssl;</c>,
    /// <c>var tls = _stream as SslStream;</c>, <c>var copy = _stream;</c>, <c>reader = new StreamReader(ssl)</c>.
    /// Every value they are assigned (null aside) must be that stream. They then share its bit, so a ShutdownAsync
    /// through the cast is credited to the field, and disposing the reader is disposing the stream.
    /// </summary>
    internal static class Aliases
    {
        /// <summary>Each alias with the tracked symbol it stands for (resolved through chains of aliases).</summary>
        public static Dictionary<ISymbol, ISymbol> Find(KnownSymbols symbols, Func<ISymbol, bool> isTracked, IEnumerable<IOperation> bodies, bool localsOnly) =>
            Find(symbols, isTracked, bodies, localsOnly, out _);

        /// <summary>The same, and for the symbols whose chain ends at an untracked symbol (a constructor's parameter that a
        /// Stream field, a PipeReader and a PipeWriter are all made from), that symbol: they are siblings.</summary>
        public static Dictionary<ISymbol, ISymbol> Find(
            KnownSymbols symbols, Func<ISymbol, bool> isTracked, IEnumerable<IOperation> bodies, bool localsOnly, out Dictionary<ISymbol, ISymbol> untrackedEnds)
        {
            untrackedEnds = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
            var sources = new Dictionary<ISymbol, ISymbol?>(SymbolEqualityComparer.Default);
            foreach (var body in bodies)
            {
                foreach (var operation in body.DescendantsAndSelf())
                {
                    var (target, value) = operation switch
                    {
                        IVariableDeclaratorOperation { Initializer: { } initializer } declarator => ((ISymbol?)declarator.Symbol, initializer.Value),
                        ISimpleAssignmentOperation assignment => (OperationHelpers.ReferencedSymbol(assignment.Target), assignment.Value),
                        IIsPatternOperation isPattern => (BodyFactCollector.DeclaredBy(isPattern.Pattern), isPattern.Value),
                        _ => (null, null),
                    };
                    if (target is not (ILocalSymbol or IFieldSymbol) || (localsOnly && target is not ILocalSymbol) || value == null)
                    {
                        continue;
                    }

                    var source = Resolve(symbols, value, out var isNull);
                    if (!isNull)
                    {
                        // Two different sources, or one that is not a symbol: not an alias.
                        sources[target] = sources.TryGetValue(target, out var earlier) && !SymbolEqualityComparer.Default.Equals(earlier, source) ? null : source;
                    }
                }
            }

            var aliases = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
            var sharedEnds = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
            foreach (var pair in sources)
            {
                // Follow the chain to a tracked symbol; a cycle or an untracked end makes no alias.
                var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { pair.Key };
                var current = pair.Value;
                var last = current;
                while (current != null && !isTracked(current) && sources.TryGetValue(current, out var next) && seen.Add(current))
                {
                    last = current;
                    current = next;
                }

                if (current != null && isTracked(current) && !SymbolEqualityComparer.Default.Equals(current, pair.Key))
                {
                    aliases[pair.Key] = current;
                    continue;
                }

                if (current != null && !isTracked(current))
                {
                    untrackedEnds[pair.Key] = current;
                }

                if (last != null && !isTracked(last) && isTracked(pair.Key))
                {
                    // Two tracked symbols given the same untracked one (a writer and a reader made over the same local of
                    // another method) name the same stream: the later is an alias of the first.
                    if (sharedEnds.TryGetValue(last, out var first))
                    {
                        aliases[pair.Key] = first;
                    }
                    else
                    {
                        sharedEnds[last] = pair.Key;
                    }
                }
            }

            return aliases;
        }

        /// <summary>The symbol a value refers to, seen through conversions and owners; null when it is anything else.</summary>
        public static ISymbol? Resolve(KnownSymbols symbols, IOperation value, out bool isNull)
        {
            isNull = false;
            switch (OperationHelpers.StripConversions(value))
            {
                case { ConstantValue: { HasValue: true, Value: null } }:
                case IDefaultValueOperation:
                    isNull = true;
                    return null;
                case IObjectCreationOperation creation when symbols.IsOwnerType(creation.Type):
                    return OwnedArgument(symbols, creation.Arguments);
                case IInvocationOperation invocation when symbols.PipeOwnsStream(invocation):
                    return OwnedArgument(symbols, invocation.Arguments);
                case IPropertyReferenceOperation or IConditionalAccessOperation when symbols.OwnerOfBaseStream(value) is { } owner:
                    return OperationHelpers.ReferencedSymbol(owner);
                case var other:
                    return OperationHelpers.ReferencedSymbol(other);
            }
        }

        /// <summary>The stream an owner is made over, unless it is told to leave it open.</summary>
        public static ISymbol? OwnedArgument(KnownSymbols symbols, ImmutableArray<IArgumentOperation> arguments)
        {
            IOperation? stream = null;
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == "leaveOpen" && argument.Value.ConstantValue is not { HasValue: true, Value: false })
                {
                    return null;
                }

                if (stream == null && symbols.CanHoldSslStream(argument.Parameter?.Type))
                {
                    stream = argument.Value;
                }
            }

            return OperationHelpers.ReferencedSymbol(stream);
        }
    }
}
