using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.CodeFixes
{
    /// <summary>The symbol questions the TLS001 fix's pieces share.</summary>
    internal static class SymbolTests
    {
        /// <summary><paramref name="type"/> is <paramref name="baseType"/> or derives from it (generics by definition).</summary>
        public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The local, parameter, field or property an operation reads (of any instance), through conversions.</summary>
        public static ISymbol? Referenced(IOperation? operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IConversionOperation conversion => Referenced(conversion.Operand),
            _ => null,
        };
    }
}
