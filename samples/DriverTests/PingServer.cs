using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DriverTests
{
    /// <summary>The server side of the protocol: answers PING with PONG and, when the client closes (QUIT, close_notify
    /// or end of stream), answers with its own close_notify before it closes.</summary>
    public sealed class PingServer : IDisposable
    {
        private readonly Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public PingServer()
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
        }

        public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndPoint!;

        /// <summary>Serves one connection to its end, at most <paramref name="timeout"/>.</summary>
        public async Task ServeOneAsync(X509Certificate2 certificate, TimeSpan timeout)
        {
            using var limit = new CancellationTokenSource(timeout);
            using var socket = await listener.AcceptAsync(limit.Token);
            using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, limit.Token);
            using var reader = new StreamReader(tls, Encoding.ASCII, false, 1024, leaveOpen: true);
            string? line;
            while ((line = await reader.ReadLineAsync(limit.Token)) != null && line != "QUIT")
            {
                await tls.WriteAsync(Encoding.ASCII.GetBytes("PONG\r\n"), limit.Token);
            }

            await tls.ShutdownAsync();
            socket.Shutdown(SocketShutdown.Send);
            while (await tls.ReadAsync(new byte[1024], limit.Token) > 0)
            {
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
