using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Shapes
{
    // The dispose pattern of a connection that resets its socket when it is not disposing (the finalizer, or the
    // library's own failure path calling Dispose(false)): Close(0) sends RST instead of FIN.
    public class ResettableConnection : IDisposable
    {
        private Socket? _socket;
        private SslStream? _ssl;

        public async Task OpenAsync(Socket socket, string host)
        {
            _socket = socket;
            _ssl = new SslStream(new NetworkStream(socket, false), false, (sender, certificate, chain, errors) => true);
            await _ssl.AuthenticateAsClientAsync(host).ConfigureAwait(false);
        }

        public void Send(byte[] data) => _ssl!.Write(data, 0, data.Length);

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>What the library calls when the connection failed.</summary>
        public void Fail() => Dispose(false);

        protected virtual void Dispose(bool disposing)
        {
            _ssl?.Dispose();
            _socket?.Close(disposing ? 1 : 0);
        }
    }
}
