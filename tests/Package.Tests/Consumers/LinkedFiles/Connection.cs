// A file of a library built for netstandard2.0, netstandard2.1 and net8.0 whose close differs per framework (#if):
// dotnet format fixes it once per framework (netstandard2.0 closes in its own branch, every framework narrows the catch
// below it; a DisposeAsync is cleanup, so the catch also gets a trace of the other errors) and merges the copies. The
// merged file must hold no conflict block and build for every framework.
using System;
using System.IO;
using System.Net.Security;
using System.Threading.Tasks;

namespace LinkedFilesConsumer
{
    public sealed class Connection
    {
        private readonly Stream _transport;
        private SslStream? _tls;

        public Connection(Stream transport) => _transport = transport;

        public async Task ConnectAsync(string host)
        {
            _tls = new SslStream(_transport, leaveInnerStreamOpen: true);
            await _tls.AuthenticateAsClientAsync(host).ConfigureAwait(false);
        }

        public async Task DisposeAsync()
        {
            if (_tls == null)
            {
                return;
            }

            try
            {
#if NETSTANDARD2_0
                _tls.Close();
#else
                await _tls.ShutdownAsync().ConfigureAwait(false);
#endif
            }
            catch
            {
                // the peer may be gone already
            }

#if NETSTANDARD2_0
            _tls.Dispose();
#else
            await _tls.DisposeAsync().ConfigureAwait(false);
#endif
            _transport.Dispose();
        }

        public async Task ReconnectAsync(string host)
        {
#if NETSTANDARD2_0
            if (_tls != null)
                _tls.Dispose();
#else
            if (_tls != null)
                await _tls.DisposeAsync().ConfigureAwait(false);
#endif
            await ConnectAsync(host).ConfigureAwait(false);
        }
    }
}
