using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;

namespace CloseNotify
{
    /// <summary>Finds what lies under a TLS stream: the observing <see cref="TlsTransport"/> and the socket.</summary>
    internal static class Transports
    {
        // AuthenticatedStream.InnerStream is protected: part of the documented contract for derived classes, so it is
        // stable, but reachable from here only through reflection. Looked up once.
        private static readonly Func<AuthenticatedStream, Stream>? InnerStreamGetter = CreateInnerStreamGetter();

        public static Stream? InnerOf(Stream stream) => stream switch
        {
            AuthenticatedStream authenticated when InnerStreamGetter != null => InnerStreamGetter(authenticated),
            TlsTransport transport => transport.Transport,
            _ => null,
        };

        /// <summary>The <see cref="TlsTransport"/> directly under <paramref name="ssl"/>, if there is one.</summary>
        public static TlsTransport? ObserverOf(SslStream ssl) => InnerOf(ssl) as TlsTransport;

        /// <summary>The socket at the bottom of a chain of wrapping streams, if one is reachable.</summary>
        public static Socket? SocketOf(Stream stream)
        {
            for (var current = stream; current != null; current = InnerOf(current))
            {
                if (current is NetworkStream network)
                {
#if NET
                    return network.Socket;
#else
                    return SocketGetter?.Invoke(network);
#endif
                }
            }

            return null;
        }

#if !NET
        // NetworkStream.Socket is public from .NET Core 2.0 on, but protected in the netstandard2.1 reference surface.
        private static readonly Func<NetworkStream, Socket>? SocketGetter =
            (Func<NetworkStream, Socket>?)typeof(NetworkStream)
                .GetProperty("Socket", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?
                .GetGetMethod(nonPublic: true)?
                .CreateDelegate(typeof(Func<NetworkStream, Socket>));
#endif

        private static Func<AuthenticatedStream, Stream>? CreateInnerStreamGetter()
        {
            var getter = typeof(AuthenticatedStream)
                .GetProperty("InnerStream", BindingFlags.Instance | BindingFlags.NonPublic)?
                .GetGetMethod(nonPublic: true);
            return getter == null ? null : (Func<AuthenticatedStream, Stream>)getter.CreateDelegate(typeof(Func<AuthenticatedStream, Stream>));
        }
    }
}
