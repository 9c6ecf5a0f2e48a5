using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DriverTests
{
    /// <summary>The driver under test: a client of a line protocol (PING / PONG / QUIT) over TLS.</summary>
    public class PingClient : IAsyncDisposable
    {
        private readonly SslStream tls;

        protected PingClient(SslStream tls) => this.tls = tls;

        /// <summary>How long the close waits for the server's close_notify.</summary>
        public static TimeSpan DrainTimeout { get; } = TimeSpan.FromSeconds(2);

        public static Task<PingClient> ConnectAsync(IPEndPoint server, RemoteCertificateValidationCallback trust) =>
            ConnectAsync(server, trust, tls => new PingClient(tls));

        public async Task<string> PingAsync()
        {
            await tls.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            var reply = new byte[6];
            await tls.ReadExactlyAsync(reply);
            return Encoding.ASCII.GetString(reply).TrimEnd();
        }

        /// <summary>The close a driver should make: QUIT, close_notify, then read (and discard) until the server's
        /// close_notify, bounded; then dispose.</summary>
        public virtual async ValueTask DisposeAsync()
        {
            try
            {
                await tls.WriteAsync(Encoding.ASCII.GetBytes("QUIT\r\n"));
                await tls.ShutdownAsync();
                using var drain = new CancellationTokenSource(DrainTimeout);
                var buffer = new byte[4096];
                while (await tls.ReadAsync(buffer, drain.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The server reset or stayed silent: the close is over either way.
            }
            finally
            {
                tls.Dispose();
            }
        }

        protected static async Task<PingClient> ConnectAsync(IPEndPoint server, RemoteCertificateValidationCallback trust, Func<SslStream, PingClient> create)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, trust);
            await tls.AuthenticateAsClientAsync("localhost");
            return create(tls);
        }

        protected SslStream Tls => tls;
    }

    /// <summary>The same driver as many are written: its close disposes the TLS stream and nothing else, so no close_notify
    /// is ever sent (SslStream.Dispose does not send one).</summary>
    public sealed class DisposeOnlyPingClient : PingClient
    {
        private DisposeOnlyPingClient(SslStream tls)
            : base(tls)
        {
        }

        public static new Task<PingClient> ConnectAsync(IPEndPoint server, RemoteCertificateValidationCallback trust) =>
            ConnectAsync(server, trust, tls => new DisposeOnlyPingClient(tls));

        public override ValueTask DisposeAsync()
        {
            Tls.Dispose();
            return default;
        }
    }
}
