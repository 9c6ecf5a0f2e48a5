using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Shapes
{
    // A line-protocol session the way drivers keep one: the TLS stream in a nullable field, a writer and a reader over
    // it in fields of their own, a cancellable disconnect that disposes, and a Dispose that disposes the owners.
    public sealed class Session : IDisposable
    {
        private SslStream? _ssl;
        private StreamWriter? _writer;
        private StreamReader? _reader;

        public async Task OpenAsync(Stream transport, string host, CancellationToken cancellationToken)
        {
            var ssl = new SslStream(transport, false, (sender, certificate, chain, errors) => true);
            await ssl.AuthenticateAsClientAsync(host).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            _ssl = ssl;
            _writer = new StreamWriter(ssl);
            _reader = new StreamReader(ssl);
        }

        public Task SendLineAsync(string line) => _writer!.WriteLineAsync(line);

        public Task<string?> ReadLineAsync() => _reader!.ReadLineAsync();

        public void Dispose()
        {
            _writer?.Dispose();
            _reader?.Dispose();
        }
    }

    // A connection that holds only the TLS stream and ends it from a cancellable async method.
    public sealed class Connection : IDisposable
    {
        private SslStream? _ssl;

        public async Task OpenAsync(Stream transport, string host, CancellationToken cancellationToken)
        {
            _ssl = new SslStream(transport, false, (sender, certificate, chain, errors) => true);
            await _ssl.AuthenticateAsClientAsync(host).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        public async Task SendAsync(byte[] data, CancellationToken cancellationToken)
        {
            await _ssl!.WriteAsync(data, 0, data.Length, cancellationToken).ConfigureAwait(false);
        }

        public async Task DisconnectAsync(CancellationToken cancellationToken)
        {
            if (_ssl != null)
            {
                await _ssl.FlushAsync(cancellationToken).ConfigureAwait(false);
                _ssl.Dispose();
            }
        }

        public void Dispose() => _ssl?.Dispose();
    }
}
