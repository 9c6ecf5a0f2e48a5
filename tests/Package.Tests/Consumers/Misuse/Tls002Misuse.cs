using System;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace Consumer
{
    // TLS002: a ShutdownAsync task nobody awaits; an SSL_shutdown called once with its result ignored.
    public class Tls002Misuse
    {
        private readonly IntPtr _ssl;

        public Tls002Misuse(IntPtr ssl)
        {
            _ssl = ssl;
        }

        [DllImport("libssl.so.3")]
        private static extern int SSL_shutdown(IntPtr ssl);

        // The fix drives the shutdown through the library's own imports: SSL_get_error tells WANT_READ/WANT_WRITE.
        [DllImport("libssl.so.3")]
        private static extern int SSL_get_error(IntPtr ssl, int ret);

        public async Task CloseAsync(SslStream stream)
        {
            await stream.FlushAsync();
            _ = stream.ShutdownAsync();
            stream.Dispose();
        }

        public void CloseNative()
        {
            SSL_shutdown(_ssl);
        }
    }
}
