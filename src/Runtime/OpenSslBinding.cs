using System;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify
{
    /// <summary>How <see cref="OpenSslShutdown"/> reaches OpenSSL and the socket under an <c>SSL*</c>: derive from it
    /// to drive a shutdown through your own P/Invoke declarations, or use <see cref="LibSsl3"/>.</summary>
    public abstract class OpenSslBinding
    {
        /// <summary>The binding to the system's <c>libssl.so.3</c> / <c>libcrypto.so.3</c> (OpenSSL 3 on Linux), which
        /// waits for the socket with <c>poll(2)</c> on <c>SSL_get_fd</c>.</summary>
        public static OpenSslBinding LibSsl3 => SystemLibSsl.Instance;

        /// <summary>Calls <c>SSL_shutdown(ssl)</c>.</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <returns>What <c>SSL_shutdown</c> returned: 1, 0 or a negative value.</returns>
        public abstract int Shutdown(IntPtr ssl);

        /// <summary>Calls <c>SSL_read(ssl, buffer, buffer.Length)</c>, used to drain what the peer sends after our
        /// close_notify until its own close_notify (the way the OpenSSL manual asks for a bidirectional shutdown). An
        /// array, not a span, so that the binding is the same on every target framework without System.Memory, and
        /// matches the usual <c>SSL_read(IntPtr, byte[], int)</c> declaration.</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <param name="buffer">Where to read, from its start, at most its length; its content is discarded.</param>
        /// <returns>What <c>SSL_read</c> returned.</returns>
        public abstract int Read(IntPtr ssl, byte[] buffer);

        /// <summary>Calls <c>SSL_get_error(ssl, result)</c>.</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <param name="result">The value the previous call returned.</param>
        /// <returns>An <c>SSL_ERROR_*</c> code.</returns>
        public abstract int GetError(IntPtr ssl, int result);

        /// <summary>Waits until the socket under <paramref name="ssl"/> is readable (or writable, when
        /// <paramref name="forWrite"/> is true), at most <paramref name="timeout"/>.</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <param name="forWrite">True after <c>SSL_ERROR_WANT_WRITE</c>, false after <c>SSL_ERROR_WANT_READ</c>.</param>
        /// <param name="timeout">The longest wait.</param>
        /// <returns>True when the socket became ready (or failed: the next call reports why), false on time-out.</returns>
        public abstract bool WaitForSocket(IntPtr ssl, bool forWrite, TimeSpan timeout);

        /// <summary>Waits, without holding a thread, until the socket under <paramref name="ssl"/> is readable (or
        /// writable), at most <paramref name="timeout"/>: what <see cref="OpenSslShutdown.DriveAsync(IntPtr, OpenSslBinding, TlsCloseOptions?, CancellationToken)"/>
        /// awaits between steps.</summary>
        /// <remarks>The default registers the descriptor that <see cref="GetSocketDescriptor"/> returns with the
        /// runtime's epoll instance on Linux (one thread waits for every socket; nothing polls). Without a descriptor, or
        /// off Linux, it runs <see cref="WaitForSocket"/> on a thread of its own (not a pool thread). Override it to wait
        /// through your own event loop, or on the .NET <see cref="System.Net.Sockets.Socket"/> you hold.</remarks>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <param name="forWrite">True after <c>SSL_ERROR_WANT_WRITE</c>, false after <c>SSL_ERROR_WANT_READ</c>.</param>
        /// <param name="timeout">The longest wait.</param>
        /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
        /// <returns>True when the socket became ready (or failed: the next call reports why), false on time-out.</returns>
        public virtual Task<bool> WaitForSocketAsync(IntPtr ssl, bool forWrite, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var fd = GetSocketDescriptor(ssl);
            if (fd >= 0 && SocketReadiness.IsSupported)
            {
                return SocketReadiness.WaitAsync(fd, forWrite, timeout, cancellationToken);
            }

            return Task.Factory.StartNew(
                () => WaitForSocket(ssl, forWrite, timeout),
                cancellationToken,
                TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default);
        }

        /// <summary>Calls <c>SSL_get_fd(ssl)</c>: the socket's file descriptor, for <see cref="WaitForSocketAsync"/>. The
        /// default returns -1 (unknown).</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <returns>The descriptor, or -1.</returns>
        public virtual int GetSocketDescriptor(IntPtr ssl) => -1;

        /// <summary>Calls <c>SSL_get_shutdown(ssl)</c>: 1 (<c>SSL_SENT_SHUTDOWN</c>) when our close_notify was sent, 2
        /// (<c>SSL_RECEIVED_SHUTDOWN</c>) when the peer's was received, both or neither. The driver reads it once, before
        /// its first call: when an earlier <c>SSL_shutdown</c> already sent our close_notify, it drains with
        /// <c>SSL_read</c> instead of calling <c>SSL_shutdown</c> again, which would fail the connection on the peer's
        /// next application data. The default returns -1 (unknown).</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <returns>The <c>SSL_get_shutdown</c> flags, or -1 when the binding does not expose them.</returns>
        public virtual int GetShutdownState(IntPtr ssl) => -1;

        /// <summary>Clears the calling thread's OpenSSL error queue (<c>ERR_clear_error</c>) before a call, so that
        /// <see cref="GetError"/> reports about that call only. The default does nothing: override it unless the thread's
        /// queue is known to be empty, because <c>SSL_get_error</c> reports any error left there by an earlier call
        /// (<c>SSL_ERROR_SSL</c> or <c>SSL_ERROR_SYSCALL</c> in place of <c>SSL_ERROR_WANT_READ</c>), and the driver
        /// would end the close early on it.</summary>
        public virtual void ClearErrors()
        {
        }

        /// <summary>Takes the oldest error from the calling thread's OpenSSL error queue (<c>ERR_get_error</c>); 0 when
        /// the queue is empty or the binding does not expose it (the default).</summary>
        /// <returns>The packed OpenSSL error code, or 0.</returns>
        public virtual ulong TakeError() => 0;

        /// <summary>The <c>errno</c> of the last failed call (for <c>SSL_ERROR_SYSCALL</c>); 0 when unknown (the default).</summary>
        /// <returns>The system error number, or 0.</returns>
        public virtual int LastSystemError() => 0;
    }
}
