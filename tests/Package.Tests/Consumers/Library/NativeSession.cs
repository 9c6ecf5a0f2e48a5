using System;
using System.Runtime.InteropServices;

namespace Driver
{
    // TLS002 on every target: an OpenSSL session whose SSL_shutdown is called once and its result ignored.
    public sealed class NativeSession
    {
        private readonly IntPtr _ssl;

        public NativeSession(IntPtr ssl)
        {
            _ssl = ssl;
        }

        [DllImport("libssl.so.3")]
        private static extern int SSL_shutdown(IntPtr ssl);

        // The fix drives the shutdown through the library's own imports: SSL_get_error tells WANT_READ/WANT_WRITE.
        [DllImport("libssl.so.3")]
        private static extern int SSL_get_error(IntPtr ssl, int ret);

        public void Close()
        {
            SSL_shutdown(_ssl);
        }
    }
}
