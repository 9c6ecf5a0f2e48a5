using System;
using System.Runtime.InteropServices;

namespace Drivers
{
    // OpenSSL through the driver's own imports, with its own library name and C# names.
    internal static class NativeMethods
    {
        [DllImport("libssl-3", EntryPoint = "SSL_shutdown")]
        internal static extern int SslShutdown(IntPtr ssl);

        [DllImport("libssl-3", EntryPoint = "SSL_get_error")]
        internal static extern int SslGetError(IntPtr ssl, int ret);
    }

    public sealed class NativeTls : IDisposable
    {
        private readonly IntPtr handle;

        public NativeTls(IntPtr handle)
        {
            this.handle = handle;
        }

        public void Dispose()
        {
            NativeMethods.SslShutdown(this.handle);
        }
    }
}
