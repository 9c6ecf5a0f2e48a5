// A file with per-framework branches (the shape of nats.net): dotnet format fixes it once per target framework and
// merges the results. Each framework's fix must add `using CloseNotify;` at the same place (one line after the merge),
// and must not import System.Diagnostics, which the file imports under #if for netstandard2.0 only (CS0105 there).
using System;
using System.Net.Security;
using System.Net.Sockets;
#if NETSTANDARD2_0
using System.Diagnostics;
#endif

namespace FixAllConsumer
{
    public sealed class Session : IDisposable
    {
        private SslStream _ssl;

        public void Open(TcpClient tcp, string host)
        {
            _ssl = new SslStream(tcp.GetStream());
            _ssl.AuthenticateAsClient(host);
        }

        public void Close()
        {
#if NETSTANDARD2_0
            _ssl.Dispose();
#else
            _ssl.Close();
#endif
        }

        // Both frameworks fix the same catch, one of them also the close in its branch (nats.net's DisposeAsync).
        public async System.Threading.Tasks.Task DisposeAsync()
        {
            try
            {
#if NETSTANDARD2_0
                _ssl.Close();
#else
                await _ssl.ShutdownAsync().ConfigureAwait(false);
#endif
            }
            catch
            {
            }
        }

        public void Dispose()
        {
            try
            {
                _ssl.Dispose();
            }
            catch
            {
            }
        }

#if NETSTANDARD2_0
        public static void Log(string message) => Debug.WriteLine(message);
#endif
    }
}
