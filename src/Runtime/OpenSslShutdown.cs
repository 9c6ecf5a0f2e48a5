using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace CloseNotify
{
    /// <summary>Drives OpenSSL's <c>SSL_shutdown</c> to completion on a non-blocking socket: the loop that a single
    /// call leaves undone.</summary>
    /// <remarks>
    /// <para>The driver calls <c>SSL_shutdown</c> (our close_notify); on 0 it reads and discards with <c>SSL_read</c>
    /// until the peer's close_notify (<c>SSL_ERROR_ZERO_RETURN</c>), then calls <c>SSL_shutdown</c> again; on
    /// <c>SSL_ERROR_WANT_READ</c> / <c>SSL_ERROR_WANT_WRITE</c> it waits for the socket and calls again. The whole
    /// exchange is bounded by <see cref="TlsCloseOptions.DrainTimeout"/> and <see cref="TlsCloseOptions.MaxDrainBytes"/>.</para>
    /// <para>When an earlier <c>SSL_shutdown</c> of the caller already sent our close_notify (see
    /// <see cref="OpenSslBinding.GetShutdownState"/>), the driver starts with <c>SSL_read</c>. A caller who abandoned a
    /// partial <c>SSL_write</c> (<c>SSL_ERROR_WANT_WRITE</c> not retried) cannot shut down: OpenSSL refuses the alert
    /// behind it (<c>SSL_R_BAD_WRITE_RETRY</c>), which the driver throws.</para>
    /// <para>It reports the same outcomes as <see cref="TlsClose.GracefulAsync"/>: clean, peer closed without
    /// close_notify, timed out, byte limit, reset. Any other OpenSSL or system error is thrown as an
    /// <see cref="IOException"/>. The driver never frees the <c>SSL*</c> nor closes the socket: they remain the caller's.</para>
    /// </remarks>
    public static class OpenSslShutdown
    {
        private const int SslErrorSsl = 1;
        private const int SslErrorWantRead = 2;
        private const int SslErrorWantWrite = 3;
        private const int SslErrorSyscall = 5;
        private const int SslErrorZeroReturn = 6;
        private const int ReasonApplicationDataAfterCloseNotify = 291;
        private const int ReasonUnexpectedEofWhileReading = 294;
        private const ulong SystemErrorFlag = 0x80000000;
        private const int LibSsl = 20;
        private const int SentShutdown = 1;
        private const int ReceivedShutdown = 2;

        // Waits are cut into slices so that a cancellation is seen promptly even while the socket stays silent.
        private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(50);

        /// <summary>Drives the shutdown of <paramref name="ssl"/> through the system <c>libssl.so.3</c>, with
        /// <see cref="TlsCloseOptions.Default"/>.</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a socket (blocking or not).</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        public static TlsCloseResult Drive(IntPtr ssl) => Drive(ssl, OpenSslBinding.LibSsl3, null, CancellationToken.None);

        /// <summary>Drives the shutdown of <paramref name="ssl"/> through the system <c>libssl.so.3</c>.</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a socket (blocking or not).</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.
        /// <see cref="TlsCloseOptions.LeaveOpen"/> plays no part: the driver never frees anything.</param>
        /// <param name="cancellationToken">Stops the driver with <see cref="OperationCanceledException"/>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static TlsCloseResult Drive(IntPtr ssl, TlsCloseOptions? options, CancellationToken cancellationToken) =>
            Drive(ssl, OpenSslBinding.LibSsl3, options, cancellationToken);

        /// <summary>Drives the shutdown of the <c>SSL*</c> held by <paramref name="ssl"/> through the system
        /// <c>libssl.so.3</c>, with <see cref="TlsCloseOptions.Default"/>; the handle is kept alive for the duration.</summary>
        /// <param name="ssl">A safe handle holding the <c>SSL*</c>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="ssl"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="ssl"/> is closed.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        public static TlsCloseResult Drive(SafeHandle ssl) => Drive(ssl, OpenSslBinding.LibSsl3, null, CancellationToken.None);

        /// <summary>Drives the shutdown of the <c>SSL*</c> held by <paramref name="ssl"/> through the system
        /// <c>libssl.so.3</c>; the handle is kept alive for the duration.</summary>
        /// <param name="ssl">A safe handle holding the <c>SSL*</c>.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <param name="cancellationToken">Stops the driver with <see cref="OperationCanceledException"/>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="ssl"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="ssl"/> is closed.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static TlsCloseResult Drive(SafeHandle ssl, TlsCloseOptions? options, CancellationToken cancellationToken) =>
            Drive(ssl, OpenSslBinding.LibSsl3, options, cancellationToken);

        /// <summary>Drives the shutdown of the <c>SSL*</c> held by <paramref name="ssl"/> through the caller's binding.</summary>
        /// <param name="ssl">A safe handle holding the <c>SSL*</c>.</param>
        /// <param name="binding">How to call OpenSSL and wait for the socket.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <param name="cancellationToken">Stops the driver with <see cref="OperationCanceledException"/>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="ssl"/> or <paramref name="binding"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="ssl"/> is closed.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static TlsCloseResult Drive(SafeHandle ssl, OpenSslBinding binding, TlsCloseOptions? options, CancellationToken cancellationToken)
        {
            if (ssl == null)
            {
                throw new ArgumentNullException(nameof(ssl));
            }

            var added = false;
            try
            {
                ssl.DangerousAddRef(ref added);
                return Drive(ssl.DangerousGetHandle(), binding, options, cancellationToken);
            }
            finally
            {
                if (added)
                {
                    ssl.DangerousRelease();
                }
            }
        }

        /// <summary>Drives the shutdown of <paramref name="ssl"/> through the caller's binding (their own P/Invoke
        /// declarations and socket wait).</summary>
        /// <param name="ssl">The <c>SSL*</c>.</param>
        /// <param name="binding">How to call OpenSSL and wait for the socket.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <param name="cancellationToken">Stops the driver with <see cref="OperationCanceledException"/>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="binding"/> is null.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static TlsCloseResult Drive(IntPtr ssl, OpenSslBinding binding, TlsCloseOptions? options, CancellationToken cancellationToken)
        {
            if (ssl == IntPtr.Zero)
            {
                throw new ArgumentException("The SSL* is null.", nameof(ssl));
            }

            if (binding == null)
            {
                throw new ArgumentNullException(nameof(binding));
            }

            options ??= TlsCloseOptions.Default;
            var started = Stopwatch.GetTimestamp();
            TlsCloseResult result;
            try
            {
                result = DriveCore(ssl, binding, options, cancellationToken, started);
            }
            catch (Exception e)
            {
                TlsCloseMetrics.RecordError(TlsCloseMetrics.OpenSsl, e, 0, CloseRun.ElapsedSince(started));
                throw;
            }

            TlsCloseMetrics.Record(TlsCloseMetrics.OpenSsl, result.Outcome, result.BytesDrained, result.Elapsed);
            return result;
        }

        private static TlsCloseResult DriveCore(IntPtr ssl, OpenSslBinding binding, TlsCloseOptions options, CancellationToken cancellationToken, long started)
        {
            var buffer = CloseRun.DiscardBuffer;
            long drained = 0;

            // Our close_notify already sent by an earlier SSL_shutdown of the caller: go straight to SSL_read. Another
            // SSL_shutdown would read in its place and fail the connection on the first byte of application data
            // (SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY is fatal in OpenSSL).
            var state = binding.GetShutdownState(ssl);
            var reading = state >= 0 && (state & (SentShutdown | ReceivedShutdown)) == SentShutdown;
            var peerClosed = false;
            try
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var remaining = options.DrainTimeout - CloseRun.ElapsedSince(started);
                    if (remaining <= TimeSpan.Zero)
                    {
                        return Result(TlsCloseOutcome.DrainTimedOut);
                    }

                    binding.ClearErrors();
                    int result;
                    if (reading)
                    {
                        result = binding.Read(ssl, buffer);
                        if (result > 0)
                        {
                            drained += result;
                            if (drained > options.MaxDrainBytes)
                            {
                                return Result(TlsCloseOutcome.ByteLimitReached);
                            }

                            continue;
                        }
                    }
                    else
                    {
                        result = binding.Shutdown(ssl);
                        if (result == 1 || (result == 0 && peerClosed))
                        {
                            return Result(TlsCloseOutcome.Clean);
                        }

                        if (result == 0)
                        {
                            // Our close_notify is out; the peer's has not been seen. Read until it comes.
                            reading = true;
                            continue;
                        }
                    }

                    var error = binding.GetError(ssl, result);
                    switch (error)
                    {
                        case SslErrorWantRead:
                        case SslErrorWantWrite:
                            // SSL_shutdown wants to read only once our close_notify is out: read with SSL_read from now
                            // on, for the reason above.
                            reading |= error == SslErrorWantRead;
                            binding.WaitForSocket(ssl, error == SslErrorWantWrite, remaining < WaitSlice ? remaining : WaitSlice);
                            break;
                        case SslErrorZeroReturn:
                            // The peer's close_notify: one more SSL_shutdown completes the exchange.
                            peerClosed = true;
                            reading = false;
                            break;
                        case SslErrorSyscall:
                            var errno = binding.LastSystemError();
                            var queued = binding.TakeError();
                            if (errno == 0 && (queued & SystemErrorFlag) != 0)
                            {
                                errno = (int)(queued & 0x7FFFFFFF); // OpenSSL queued the socket's errno itself
                            }

                            if (errno == 0 && (queued == 0 || result == 0))
                            {
                                return Result(TlsCloseOutcome.PeerClosedWithoutCloseNotify);
                            }

                            if (IsReset(errno))
                            {
                                return Result(TlsCloseOutcome.PeerReset);
                            }

                            throw Failure(reading, error, queued, errno);
                        case SslErrorSsl:
                            var code = binding.TakeError();
                            if ((code & SystemErrorFlag) != 0 && IsReset((int)(code & 0x7FFFFFFF)))
                            {
                                return Result(TlsCloseOutcome.PeerReset);
                            }

                            switch ((code & SystemErrorFlag) == 0 && (int)((code >> 23) & 0xFF) == LibSsl ? (int)(code & 0x7FFFFF) : 0)
                            {
                                case ReasonUnexpectedEofWhileReading:
                                    return Result(TlsCloseOutcome.PeerClosedWithoutCloseNotify);
                                case ReasonApplicationDataAfterCloseNotify:
                                    // Benign (the peer was still sending), but fatal to the SSL*: nothing more can be read,
                                    // so the data left unread is what the byte limit stands for. Only a binding without
                                    // GetShutdownState, handed an SSL* whose close_notify was already sent, gets here.
                                    return new TlsCloseResult(
                                        TlsCloseOutcome.ByteLimitReached,
                                        drained,
                                        CloseRun.ElapsedSince(started),
                                        new IOException("OpenSSL met application data inside SSL_shutdown after our close_notify (SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY); the connection can no longer be drained."));
                                default:
                                    throw Failure(reading, error, code, 0);
                            }
                        default:
                            throw Failure(reading, error, binding.TakeError(), 0);
                    }
                }
            }
            finally
            {
            }

            TlsCloseResult Result(TlsCloseOutcome outcome) => new TlsCloseResult(outcome, drained, CloseRun.ElapsedSince(started), null);
        }

        // ECONNRESET, EPIPE and ECONNABORTED on Linux: the peer is gone, which a close may ignore.
        private static bool IsReset(int errno) => errno is 104 or 32 or 103;

        private static IOException Failure(bool reading, int sslError, ulong queued, int errno) =>
            new IOException(
                $"{(reading ? "SSL_read" : "SSL_shutdown")} failed during the TLS shutdown: SSL_get_error = {sslError}" +
                (queued != 0 ? $", OpenSSL error 0x{queued:X}" : string.Empty) +
                (errno != 0 ? $", errno {errno}" : string.Empty) + ".");
    }
}
