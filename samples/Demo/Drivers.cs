using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify;

namespace Demo
{
    /// <summary>A database-driver-like connection: the transport lives in a <c>Stream</c> field that holds the
    /// <see cref="SslStream"/> once TLS is on, the way many drivers keep it. This one closes it correctly.</summary>
    internal sealed class DemoDriver : IAsyncDisposable
    {
        private readonly TcpClient _tcp = new TcpClient();
        private Stream? _stream;

        public async Task ConnectAsync(int port, SslClientAuthenticationOptions options, CancellationToken cancellationToken)
        {
            await _tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            var ssl = new SslStream(new TlsTransport(_tcp.GetStream()));
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            var greeting = new byte[512];
            _ = await ssl.ReadAsync(greeting, cancellationToken); // 220 demo ready
            _stream = ssl;
        }

        /// <summary>Sends one command and returns the one-line reply.</summary>
        public async Task<string> CommandAsync(string command, CancellationToken cancellationToken)
        {
            var stream = _stream ?? throw new InvalidOperationException("Not connected.");
            await stream.WriteAsync(DemoTls.Line(command), cancellationToken);
            var buffer = new byte[512];
            return DemoTls.Text(buffer, await stream.ReadAsync(buffer, cancellationToken));
        }

        /// <summary>How the last close ended.</summary>
        public TlsCloseResult LastClose { get; private set; }

        public async ValueTask DisposeAsync()
        {
            if (_stream != null)
            {
                LastClose = await TlsClose.GracefulAsync(_stream);
                await _stream.DisposeAsync();
            }

            _tcp.Dispose();
        }
    }

    /// <summary>TLS001: the same driver as too many are written: the <c>Stream</c> field holds a
    /// <c>new SslStream(...)</c> and Dispose disposes it without a TLS close (compiled, never used).</summary>
    internal sealed class LegacyDriver : IDisposable
    {
        private readonly TcpClient _tcp = new TcpClient();
        private Stream? _stream;

        public void Connect(int port, SslClientAuthenticationOptions options)
        {
            _tcp.Connect(IPAddress.Loopback, port);
            _stream = new SslStream(_tcp.GetStream());
            ((SslStream)_stream).AuthenticateAsClient(options);
        }

        public void Send(string command) => _stream?.Write(DemoTls.Line(command));

        public void Dispose()
        {
            _stream?.Dispose();
            _tcp.Dispose();
        }
    }
}
