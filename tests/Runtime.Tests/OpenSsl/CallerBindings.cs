using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>A binding as a caller writes it: their own P/Invoke declarations (here under other C# names), and a
    /// socket wait on the .NET <see cref="Socket"/> they already hold instead of <c>poll</c> on <c>SSL_get_fd</c>. It
    /// counts the calls so that a test can see the driver loop.</summary>
    internal sealed class CountingCallerBinding : OpenSslBinding
    {
        private readonly Socket socket;
        private int shutdowns;
        private int reads;
        private int waits;

        public CountingCallerBinding(Socket socket) => this.socket = socket;

        public int Shutdowns => Volatile.Read(ref shutdowns);

        public int Reads => Volatile.Read(ref reads);

        public int Waits => Volatile.Read(ref waits);

        public override int Shutdown(IntPtr ssl)
        {
            Interlocked.Increment(ref shutdowns);
            return CloseSsl(ssl);
        }

        public override int Read(IntPtr ssl, byte[] buffer)
        {
            Interlocked.Increment(ref reads);
            return ReadSsl(ssl, buffer, buffer.Length);
        }

        public override int GetError(IntPtr ssl, int result) => ErrorOf(ssl, result);

        public override bool WaitForSocket(IntPtr ssl, bool forWrite, TimeSpan timeout)
        {
            Interlocked.Increment(ref waits);
            return socket.Poll(timeout, forWrite ? SelectMode.SelectWrite : SelectMode.SelectRead);
        }

        public override void ClearErrors() => ClearQueue();

        public override ulong TakeError() => NextError().ToUInt64();

        public override int LastSystemError() => Marshal.GetLastPInvokeError();

        [DllImport(LibSsl.Ssl, EntryPoint = "SSL_shutdown", SetLastError = true)]
        private static extern int CloseSsl(IntPtr ssl);

        [DllImport(LibSsl.Ssl, EntryPoint = "SSL_read", SetLastError = true)]
        private static extern int ReadSsl(IntPtr ssl, byte[] buffer, int count);

        [DllImport(LibSsl.Ssl, EntryPoint = "SSL_get_error")]
        private static extern int ErrorOf(IntPtr ssl, int result);

        [DllImport(LibSsl.Crypto, EntryPoint = "ERR_clear_error")]
        private static extern void ClearQueue();

        [DllImport(LibSsl.Crypto, EntryPoint = "ERR_get_error")]
        private static extern UIntPtr NextError();
    }

    /// <summary>The least a caller must write: the four abstract members, nothing about the error queue or errno.</summary>
    internal sealed class MinimalCallerBinding : OpenSslBinding
    {
        private readonly Socket socket;

        public MinimalCallerBinding(Socket socket) => this.socket = socket;

        public override int Shutdown(IntPtr ssl) => LibSsl.SSL_shutdown(ssl);

        public override int Read(IntPtr ssl, byte[] buffer) => LibSsl.SSL_read(ssl, ref buffer[0], buffer.Length);

        public override int GetError(IntPtr ssl, int result) => LibSsl.SSL_get_error(ssl, result);

        public override bool WaitForSocket(IntPtr ssl, bool forWrite, TimeSpan timeout) =>
            socket.Poll(timeout, forWrite ? SelectMode.SelectWrite : SelectMode.SelectRead);
    }
}
