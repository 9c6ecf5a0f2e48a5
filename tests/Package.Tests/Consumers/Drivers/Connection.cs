using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Drivers
{
    // A connection the way drivers hold one: the TLS stream in a nullable field, opened in one method, closed in
    // Dispose with ?.Dispose(), and a protocol stream of its own that keeps it in a Stream field.
    public sealed class Connection : IDisposable
    {
        private SslStream? _ssl;
        private Framing? _framing;

        public async Task OpenAsync(TcpClient tcp, string host)
        {
            _ssl = new SslStream(tcp.GetStream());
            await _ssl.AuthenticateAsClientAsync(host).ConfigureAwait(false);
            _framing = new Framing(_ssl);
        }

        public void Send(byte[] frame) => _framing?.Write(frame);

        public void Dispose()
        {
            _ssl?.Dispose();
        }
    }

    public sealed class Framing : IDisposable
    {
        private readonly Stream _inner;

        public Framing(Stream inner)
        {
            _inner = inner;
        }

        public void Write(byte[] frame) => _inner.Write(frame, 0, frame.Length);

        public void Dispose() => _inner.Dispose();
    }
}
