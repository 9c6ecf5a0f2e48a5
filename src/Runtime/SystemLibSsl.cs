using System;
using System.Runtime.InteropServices;

namespace CloseNotify
{
    /// <summary>The binding of <see cref="OpenSslShutdown"/> to the system OpenSSL 3 on Linux.</summary>
    internal sealed class SystemLibSsl : OpenSslBinding
    {
        public static readonly SystemLibSsl Instance = new SystemLibSsl();

        private const string Ssl = "libssl.so.3";
        private const string Crypto = "libcrypto.so.3";
        private const string C = "libc";
        private const short PollIn = 0x001;
        private const short PollOut = 0x004;

        private SystemLibSsl()
        {
        }

        public override int Shutdown(IntPtr ssl) => SSL_shutdown(ssl);

        public override int Read(IntPtr ssl, byte[] buffer) => SSL_read(ssl, buffer, buffer.Length);

        public override int GetError(IntPtr ssl, int result) => SSL_get_error(ssl, result);

        public override int GetShutdownState(IntPtr ssl) => SSL_get_shutdown(ssl);

        public override int GetSocketDescriptor(IntPtr ssl) => SSL_get_fd(ssl);

        public override void ClearErrors() => ERR_clear_error();

        public override ulong TakeError() => ERR_get_error().ToUInt64();

        public override int LastSystemError() => Marshal.GetLastWin32Error();

        public override unsafe bool WaitForSocket(IntPtr ssl, bool forWrite, TimeSpan timeout)
        {
            var fd = SSL_get_fd(ssl);
            if (fd < 0)
            {
                return true; // no socket (a memory BIO): the next call reports what it needs
            }

            var pollFd = new PollFd { Fd = fd, Events = forWrite ? PollOut : PollIn };
            var milliseconds = (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
            int ready;
            do
            {
                ready = poll(&pollFd, (UIntPtr)1, milliseconds);
            }
            while (ready < 0 && Marshal.GetLastWin32Error() == 4); // EINTR: a signal, not the socket

            return ready != 0;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport(Ssl, SetLastError = true)]
        private static extern int SSL_shutdown(IntPtr ssl);

        [DllImport(Ssl, SetLastError = true)]
        private static extern int SSL_read(IntPtr ssl, byte[] buffer, int count);

        [DllImport(Ssl)]
        private static extern int SSL_get_error(IntPtr ssl, int result);

        [DllImport(Ssl)]
        private static extern int SSL_get_fd(IntPtr ssl);

        [DllImport(Ssl)]
        private static extern int SSL_get_shutdown(IntPtr ssl);

        [DllImport(Crypto)]
        private static extern UIntPtr ERR_get_error();

        [DllImport(Crypto)]
        private static extern void ERR_clear_error();

        [DllImport(C, SetLastError = true)]
        private static extern unsafe int poll(PollFd* fds, UIntPtr count, int timeout);
    }
}
