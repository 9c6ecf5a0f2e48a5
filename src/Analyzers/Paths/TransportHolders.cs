using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// The types whose bodies TLS004 keeps for the end of the compilation: those that may keep a TLS stream or its
    /// transport in a member of their own or of a base class (a socket or TcpClient, a stream, or two members that can
    /// hold one: an IDisposable beside a stream). Asked once per type, for every type with a body.
    /// </summary>
    internal static class TransportHolders
    {
        public static bool MayKeep(KnownSymbols symbols, INamedTypeSymbol type)
        {
            var streams = 0;
            for (var t = type; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    var memberType = member switch
                    {
                        IFieldSymbol { IsStatic: false } field => field.Type,
                        IPropertySymbol { IsStatic: false, IsIndexer: false } property => property.Type,
                        _ => null,
                    };
                    if (memberType == null)
                    {
                        continue;
                    }

                    if (symbols.IsSocketLike(memberType) || symbols.IsStreamType(memberType))
                    {
                        return true;
                    }

                    // Two at least: one for the TLS stream, another for what it runs over.
                    if (symbols.CanHoldSslStream(memberType) && ++streams > 1)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
