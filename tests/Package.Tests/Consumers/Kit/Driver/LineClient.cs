using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace KitConsumer
{
    /// <summary>A small line-protocol client over TLS, the driver these tests check: CloseAsync closes it the way a driver
    /// should (QUIT, close_notify, drain until the server's close_notify, dispose); DisposeOnly is the common mistake.</summary>
    public sealed class LineClient : IDisposable
    {
        private readonly Socket socket;
        private readonly SslStream tls;

        private LineClient(Socket socket, SslStream tls)
        {
            this.socket = socket;
            this.tls = tls;
        }

        public static async Task<LineClient> ConnectAsync(IPEndPoint server, RemoteCertificateValidationCallback trust)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, trust);
            await tls.AuthenticateAsClientAsync("localhost");
            return new LineClient(socket, tls);
        }

        public Task SendLineAsync(string line) => tls.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n")).AsTask();

        /// <summary>QUIT, close_notify, then read (discarding) until the server's close_notify, at most 5 s; then dispose.</summary>
        public async Task CloseAsync()
        {
            await SendLineAsync("QUIT");
            await tls.ShutdownAsync();
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var buffer = new byte[4096];
            while (await tls.ReadAsync(buffer, drain.Token) > 0)
            {
            }

            Dispose();
        }

        /// <summary>What many drivers do: dispose the TLS stream. No close_notify is sent.</summary>
        public void DisposeOnly() => Dispose();

        public void Dispose()
        {
            tls.Dispose();
            socket.Dispose();
        }
    }
}
