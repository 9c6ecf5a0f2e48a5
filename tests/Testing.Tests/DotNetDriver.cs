using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>The driver under test, played by a .NET <see cref="SslStream"/> over a socket: it connects to a server
    /// peer, or accepts a client peer, and closes in each of the ways drivers do.</summary>
    public sealed class DotNetDriver : IAsyncDisposable
    {
        private DotNetDriver(TlsPeer peer, Socket socket, SslStream tls, TlsTransport? transport)
        {
            Peer = peer;
            Socket = socket;
            Tls = tls;
            Transport = transport;
        }

        /// <summary>The runtime's observer under the driver's SslStream, when asked for: it tells close_notify from FIN.</summary>
        public TlsTransport? Transport { get; }

        public TlsPeer Peer { get; }

        public Socket Socket { get; }

        public SslStream Tls { get; }

        /// <summary>Peer role × TLS version: the matrix every outcome runs through.</summary>
        public static IEnumerable<object[]> Matrix()
        {
            foreach (var role in new[] { TlsPeerRole.Server, TlsPeerRole.Client })
            {
                foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
                {
                    yield return new object[] { role, protocol };
                }
            }
        }

        /// <summary>Starts a peer in <paramref name="peerRole"/> and connects the driver to it over <paramref name="protocol"/>.</summary>
        public static async Task<DotNetDriver> ConnectAsync(TlsPeerRole peerRole, SslProtocols protocol, PeerScript? script = null, bool observe = false)
        {
            var options = new TlsPeerOptions { Protocols = protocol, Script = script };
            if (peerRole == TlsPeerRole.Server)
            {
                var server = TlsPeer.StartServer(options);
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await Bounded.Wait(socket.ConnectAsync(server.EndPoint));
                var transport = observe ? new TlsTransport(new NetworkStream(socket, ownsSocket: true)) : null;
                var tls = new SslStream((Stream?)transport ?? new NetworkStream(socket, ownsSocket: true), false, server.Certificate.ValidationCallback);
                await Bounded.Wait(tls.AuthenticateAsClientAsync("localhost", null, protocol, false));
                await server.WaitForHandshakeAsync();
                return new DotNetDriver(server, socket, tls, transport);
            }

            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = TlsPeer.StartClient((IPEndPoint)listener.LocalEndPoint!, options);
            var accepted = await Bounded.Wait(listener.AcceptAsync());
            accepted.NoDelay = true;
            var observer = observe ? new TlsTransport(new NetworkStream(accepted, ownsSocket: true)) : null;
            var serverTls = new SslStream((Stream?)observer ?? new NetworkStream(accepted, ownsSocket: true));
            await Bounded.Wait(serverTls.AuthenticateAsServerAsync(client.Certificate.Certificate, false, protocol, false));
            await client.WaitForHandshakeAsync();
            return new DotNetDriver(client, accepted, serverTls, observer);
        }

        public Task SendAsync(int count) => Bounded.Wait(Tls.WriteAsync(new byte[count]).AsTask());

        /// <summary>The graceful close: close_notify, read until the peer's close_notify (or end), then dispose.</summary>
        public async Task<long> CloseGracefullyAsync()
        {
            await Bounded.Wait(Tls.ShutdownAsync());
            var drained = await ReadToEndAsync();
            Tls.Dispose();
            return drained;
        }

        /// <summary>close_notify, then dispose at once (no drain): close_notify then FIN.</summary>
        public async Task CloseNotifyThenDisposeAsync()
        {
            await Bounded.Wait(Tls.ShutdownAsync());
            Tls.Dispose();
        }

        /// <summary>close_notify, then an abort: close_notify then reset.</summary>
        public async Task CloseNotifyThenAbortAsync()
        {
            await Bounded.Wait(Tls.ShutdownAsync());
            Abort();
        }

        /// <summary>What SslStream.Dispose() alone does: a FIN without close_notify.</summary>
        public void DisposeOnly() => Tls.Dispose();

        /// <summary>An abort: linger 0, the socket closed first (NetworkStream.Dispose would send a FIN before closing).</summary>
        public void Abort()
        {
            Socket.LingerState = new LingerOption(true, 0);
            Socket.Dispose();
            Tls.Dispose();
        }

        /// <summary>Reads (and counts) until the end of the TLS stream: 0 on close_notify or FIN.</summary>
        public async Task<long> ReadToEndAsync()
        {
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await Bounded.Wait(Tls.ReadAsync(buffer))) > 0)
            {
                total += read;
            }

            return total;
        }

        /// <summary>What the driver's read loop sees: the bytes until the end, or the error that ended it.</summary>
        public async Task<(long Bytes, Exception? Error)> ReadUntilItEndsAsync()
        {
            long total = 0;
            var error = await Bounded.Catch(async () => total = await ReadToEndAsync());
            return (total, error);
        }

        public async ValueTask DisposeAsync()
        {
            Tls.Dispose();
            Socket.Dispose();
            await Peer.DisposeAsync();
        }

        public static bool IsReset(Exception? error) =>
            error is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } }
            || error is SocketException { SocketErrorCode: SocketError.ConnectionReset };
    }
}
