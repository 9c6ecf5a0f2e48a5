using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

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
    /// <para>Three ways to run it: <see cref="Drive(IntPtr, OpenSslBinding, TlsCloseOptions?, CancellationToken)"/> blocks
    /// the calling thread between steps on the binding's socket wait (<c>poll(2)</c>, cut into 50 ms slices so that a
    /// cancellation is seen); <see cref="DriveAsync(IntPtr, OpenSslBinding, TlsCloseOptions?, CancellationToken)"/> awaits
    /// the socket's readiness instead (epoll on Linux: no thread held, no polling); and a caller that owns its event
    /// loop drives the steps itself: <see cref="Begin(IntPtr, OpenSslBinding, TlsCloseOptions?)"/>, then
    /// <see cref="OpenSslShutdownOperation.Step"/>, which never waits and says whether it waits for the socket to be
    /// readable or writable, or is done.</para>
    /// <para>It reports the same outcomes as <see cref="TlsClose.GracefulAsync"/>: clean, peer closed without
    /// close_notify, timed out, byte limit, reset. Any other OpenSSL or system error is thrown as an
    /// <see cref="IOException"/>. The driver never frees the <c>SSL*</c> nor closes the socket: they remain the caller's.</para>
    /// </remarks>
    public static class OpenSslShutdown
    {
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
            var operation = Begin(ssl, binding, options);
            while (true)
            {
                Check(operation, cancellationToken);
                var wait = operation.Step();
                if (wait == OpenSslWait.Done)
                {
                    return operation.Result;
                }

                var remaining = operation.Remaining;
                binding.WaitForSocket(ssl, wait == OpenSslWait.Writable, remaining < WaitSlice ? remaining : WaitSlice);
            }
        }

        /// <summary>Drives the shutdown of <paramref name="ssl"/> through the system <c>libssl.so.3</c> without holding a
        /// thread while the socket is not ready, with <see cref="TlsCloseOptions.Default"/>.</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a non-blocking socket.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        public static Task<TlsCloseResult> DriveAsync(IntPtr ssl) => DriveAsync(ssl, OpenSslBinding.LibSsl3, null, CancellationToken.None);

        /// <summary>Drives the shutdown of <paramref name="ssl"/> through the system <c>libssl.so.3</c> without holding a
        /// thread while the socket is not ready: between steps it awaits the socket's readiness (epoll on Linux).</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a non-blocking socket.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <param name="cancellationToken">Stops the driver with <see cref="OperationCanceledException"/>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static Task<TlsCloseResult> DriveAsync(IntPtr ssl, TlsCloseOptions? options, CancellationToken cancellationToken) =>
            DriveAsync(ssl, OpenSslBinding.LibSsl3, options, cancellationToken);

        /// <summary>Drives the shutdown of <paramref name="ssl"/> through the caller's binding, awaiting
        /// <see cref="OpenSslBinding.WaitForSocketAsync"/> between steps.</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a non-blocking socket.</param>
        /// <param name="binding">How to call OpenSSL and wait for the socket.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <param name="cancellationToken">Stops the driver with <see cref="OperationCanceledException"/>.</param>
        /// <returns>How the shutdown ended.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="binding"/> is null.</exception>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static Task<TlsCloseResult> DriveAsync(IntPtr ssl, OpenSslBinding binding, TlsCloseOptions? options, CancellationToken cancellationToken)
        {
            var operation = Begin(ssl, binding, options);
            return DriveCoreAsync(operation, ssl, binding, cancellationToken);
        }

        /// <summary>Starts a shutdown of <paramref name="ssl"/> through the system <c>libssl.so.3</c>, to be driven by the
        /// caller's event loop with <see cref="OpenSslShutdownOperation.Step"/>. Nothing is sent before the first step.</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a non-blocking socket.</param>
        /// <param name="options">Bounds of the close (the deadline runs from now); <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <returns>The operation.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        public static OpenSslShutdownOperation Begin(IntPtr ssl, TlsCloseOptions? options) => Begin(ssl, OpenSslBinding.LibSsl3, options);

        /// <summary>Starts a shutdown of <paramref name="ssl"/> through the caller's binding, to be driven by the caller's
        /// event loop with <see cref="OpenSslShutdownOperation.Step"/> (the binding's socket waits are not used).</summary>
        /// <param name="ssl">The <c>SSL*</c>, set up on a non-blocking socket.</param>
        /// <param name="binding">How to call OpenSSL.</param>
        /// <param name="options">Bounds of the close (the deadline runs from now); <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <returns>The operation.</returns>
        /// <exception cref="ArgumentException"><paramref name="ssl"/> is zero.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="binding"/> is null.</exception>
        public static OpenSslShutdownOperation Begin(IntPtr ssl, OpenSslBinding binding, TlsCloseOptions? options)
        {
            if (ssl == IntPtr.Zero)
            {
                throw new ArgumentException("The SSL* is null.", nameof(ssl));
            }

            if (binding == null)
            {
                throw new ArgumentNullException(nameof(binding));
            }

            return new OpenSslShutdownOperation(ssl, binding, options ?? TlsCloseOptions.Default);
        }

        private static async Task<TlsCloseResult> DriveCoreAsync(OpenSslShutdownOperation operation, IntPtr ssl, OpenSslBinding binding, CancellationToken cancellationToken)
        {
            while (true)
            {
                Check(operation, cancellationToken);
                var wait = operation.Step();
                if (wait == OpenSslWait.Done)
                {
                    return operation.Result;
                }

                try
                {
                    await binding.WaitForSocketAsync(ssl, wait == OpenSslWait.Writable, operation.Remaining, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException e)
                {
                    operation.Fail(e);
                    throw;
                }
            }
        }

        private static void Check(OpenSslShutdownOperation operation, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                var cancelled = new OperationCanceledException("The OpenSSL shutdown was cancelled.", cancellationToken);
                operation.Fail(cancelled);
                throw cancelled;
            }
        }
    }
}
