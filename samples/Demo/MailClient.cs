using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify;

namespace Demo
{
    /// <summary>The client side of the demo protocol. <see cref="NoopAsync"/> is the correct code; the members under
    /// "Misuse" are the TLS001 shapes (compiled, never called).</summary>
    internal sealed class MailClient
    {
        private readonly int _port;
        private readonly SslClientAuthenticationOptions _options;

        public MailClient(int port, string serverCertificateHash)
        {
            _port = port;
            _options = DemoTls.ClientOptions(serverCertificateHash);
        }

        // ---- Correct -------------------------------------------------------------------------------------

        /// <summary>Greeting, NOOP, QUIT, then a graceful close: our close_notify, and the server's read back.</summary>
        public async Task<(string Reply, TlsCloseResult Close)> NoopAsync(CancellationToken cancellationToken)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _port, cancellationToken);
            using var ssl = new SslStream(new TlsTransport(tcp.GetStream()));
            await ssl.AuthenticateAsClientAsync(_options, cancellationToken);
            var buffer = new byte[512];
            var greeting = DemoTls.Text(buffer, await ssl.ReadAsync(buffer, cancellationToken));
            if (!greeting.StartsWith("220 ", System.StringComparison.Ordinal))
            {
                // Not our server: end now, say so explicitly.
                TlsClose.Abort(ssl);
                return (greeting, default);
            }

            await ssl.WriteAsync(DemoTls.Line("NOOP"), cancellationToken);
            var reply = DemoTls.Text(buffer, await ssl.ReadAsync(buffer, cancellationToken));
            await ssl.WriteAsync(DemoTls.Line("QUIT"), cancellationToken);
            _ = await ssl.ReadAsync(buffer, cancellationToken); // 221 bye
            var close = await TlsClose.GracefulAsync(ssl, cancellationToken: cancellationToken);
            return (reply, close);
        }

        // ---- Misuse (compiled, never called) -----------------------------------------------------------

        /// <summary>TLS001: the using declaration disposes the stream at the end of the method, without close_notify.</summary>
        internal async Task<string> ProbeAsync()
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _port);
            using var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(_options);
            var buffer = new byte[512];
            return DemoTls.Text(buffer, await ssl.ReadAsync(buffer));
        }

        /// <summary>TLS001: the early return after authentication leaves through the using's Dispose, no close.</summary>
        internal async Task<bool> IsReadyAsync()
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _port);
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                await ssl.AuthenticateAsClientAsync(_options);
                var buffer = new byte[512];
                var read = await ssl.ReadAsync(buffer);
                if (read == 0 || buffer[0] != (byte)'2')
                {
                    return false;
                }

                await TlsClose.GracefulAsync(ssl);
                return true;
            }
        }

        /// <summary>TLS001: an explicit Dispose right after the last write.</summary>
        internal void SendNoop()
        {
            using var tcp = new TcpClient();
            tcp.Connect(IPAddress.Loopback, _port);
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(_options);
            ssl.Write(DemoTls.Line("NOOP"));
            ssl.Dispose();
        }

        /// <summary>TLS001: Close is Dispose under another name: no close_notify either.</summary>
        internal void SendQuit()
        {
            using var tcp = new TcpClient();
            tcp.Connect(IPAddress.Loopback, _port);
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(_options);
            ssl.Write(DemoTls.Line("QUIT"));
            ssl.Close();
        }
    }
}
