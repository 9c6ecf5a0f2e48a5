using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The disposal chain of a Stream subclass of the compilation that overrides <c>Close()</c>: Stream.Dispose() and
    /// DisposeAsync() run Close(), and Stream.Close() runs Dispose(true). Its Dispose(bool) override then only ever runs
    /// from the Close override's <c>base.Close()</c>, after what Close did: it is walked from there, not on its own.
    /// </summary>
    internal sealed class StreamOverrides
    {
        private StreamOverrides(IMethodSymbol? close, IMethodSymbol? disposeBool)
        {
            Close = close;
            DisposeBool = disposeBool;
        }

        public static StreamOverrides None { get; } = new StreamOverrides(null, null);

        /// <summary>The type's Close() override (null when it has none).</summary>
        public IMethodSymbol? Close { get; }

        /// <summary>The type's Dispose(bool) override, when the type also overrides Close().</summary>
        public IMethodSymbol? DisposeBool { get; }

        public static StreamOverrides Of(KnownSymbols symbols, INamedTypeSymbol type, IEnumerable<IMethodSymbol> methods)
        {
            if (symbols.Stream == null || !DerivesFrom(type, symbols.Stream))
            {
                return None;
            }

            IMethodSymbol? close = null;
            IMethodSymbol? disposeBool = null;
            foreach (var method in methods)
            {
                if (method.IsOverride && method.Name == "Close" && method.Parameters.IsEmpty)
                {
                    close = method;
                }
                else if (method.IsOverride && method.Name == "Dispose" && method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == SpecialType.System_Boolean)
                {
                    disposeBool = method;
                }
            }

            return close == null ? None : new StreamOverrides(close, disposeBool);
        }

        /// <summary>Is the method walked only from the Close override (the Dispose(bool) it reaches through base.Close())?</summary>
        public bool IsReachedOnlyFromClose(IMethodSymbol method) => DisposeBool != null && SymbolEqualityComparer.Default.Equals(method, DisposeBool);

        /// <summary>What a call on the base type runs in this type: base.Close() runs Dispose(bool), base.DisposeAsync() and
        /// base.Dispose() run Close(). Null for any other call.</summary>
        public IMethodSymbol? RunBy(IInvocationOperation call)
        {
            if (Close == null || call.Instance is not IInstanceReferenceOperation || !call.TargetMethod.Parameters.IsEmpty
                || SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType?.OriginalDefinition, Close.ContainingType?.OriginalDefinition))
            {
                return null;
            }

            return call.TargetMethod.Name switch
            {
                "Close" => DisposeBool,
                "DisposeAsync" or "Dispose" => Close,
                _ => null,
            };
        }

        private static bool DerivesFrom(ITypeSymbol type, ITypeSymbol baseType)
        {
            for (var t = type.BaseType; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
