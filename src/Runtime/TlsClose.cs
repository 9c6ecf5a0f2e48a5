using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify
{
    /// <summary>Closes TLS connections the way RFC 8446 §6.1 asks: gracefully (close_notify, then a bounded drain of
    /// what the peer still sends) or by an explicit abort.</summary>
    public static partial class TlsClose
    {
        // The setter copies the values into the socket option: one shared instance serves every abort.
        private static readonly LingerOption ResetOnClose = new LingerOption(true, 0);

        /// <summary>Sends close_notify, reads and discards what the peer still sends until its stream ends, then
        /// disposes <paramref name="stream"/>. The whole close is bounded by <see cref="TlsCloseOptions.DrainTimeout"/>
        /// and <see cref="TlsCloseOptions.MaxDrainBytes"/>.</summary>
        /// <remarks>Benign ends (reset, end of stream, time-out, byte limit, stream already disposed) are reported in
        /// the result, never thrown. A <see cref="System.Net.Sockets.NetworkStream"/> (a connection without TLS) is
        /// closed the same way at the TCP level: FIN, then drain. Any other stream has no session to close and is only
        /// disposed (<see cref="TlsCloseOutcome.NoSession"/>). On .NET Framework 4.6.x, whose SslStream cannot send
        /// close_notify, the close sends a TCP FIN in its place (where a socket is reachable), drains the same way and
        /// reports <see cref="TlsCloseOutcome.CloseNotifyUnsupported"/>.</remarks>
        /// <param name="stream">The <see cref="System.Net.Security.SslStream"/> (or the socket stream) to close.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <param name="cancellationToken">Cancels the close: the transport is then disposed and
        /// <see cref="OperationCanceledException"/> thrown.</param>
        /// <returns>How the close ended.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        /// <exception cref="Exception">Any error that <see cref="TlsErrors.IsBenign(Exception)"/> does not accept, after the
        /// stream was disposed.</exception>
        public static Task<TlsCloseResult> GracefulAsync(Stream stream, TlsCloseOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (stream == null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // Cancelled before it began: the stream is disposed all the same, as on a cancellation during the close.
                CloseRun.DisposeQuietly(stream);
                return Task.FromCanceled<TlsCloseResult>(cancellationToken);
            }

            return GracefulCoreAsync(new CloseRun(stream, options ?? TlsCloseOptions.Default), cancellationToken);
        }

        /// <summary>The synchronous form of <see cref="GracefulAsync"/>, for code that cannot await (a
        /// <c>Dispose()</c> method). It blocks the calling thread for at most
        /// <see cref="TlsCloseOptions.DrainTimeout"/>.</summary>
        /// <param name="stream">The <see cref="System.Net.Security.SslStream"/> (or the socket stream) to close.</param>
        /// <param name="options">Bounds of the close; <see cref="TlsCloseOptions.Default"/> when null.</param>
        /// <returns>How the close ended.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
        /// <exception cref="Exception">Any error that <see cref="TlsErrors.IsBenign(Exception)"/> does not accept, after the
        /// stream was disposed.</exception>
        public static TlsCloseResult Graceful(Stream stream, TlsCloseOptions? options = null)
        {
            if (stream == null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            return Graceful(new CloseRun(stream, options ?? TlsCloseOptions.Default));
        }

        /// <summary>Ends the connection now, without close_notify: the socket under <paramref name="stream"/> (if one
        /// is reachable) is reset (RST) and every layer disposed. Use it when the connection must not go on (invalid
        /// data, a protocol violation) and the peer need not learn that the stream ended cleanly.</summary>
        /// <param name="stream">The stream to abort; an already disposed stream is accepted.</param>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
        public static void Abort(Stream stream)
        {
            if (stream == null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            var socket = Transports.SocketOf(stream);
            try
            {
                // A zero linger time makes close() send RST and drop unsent data instead of a FIN.
                if (socket != null)
                {
                    socket.LingerState = ResetOnClose;
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // Already closed: there is nothing left to reset.
            }

            // The socket is closed before the streams: NetworkStream.Dispose shuts the socket down first, which sends a
            // FIN, and a peer that reads it sees an ordinary end of stream instead of the reset. Closing the socket
            // first also ends a connection whose TLS stream was created with leaveInnerStreamOpen.
            socket?.Dispose();
            CloseRun.DisposeQuietly(stream);
        }

        internal static TlsCloseResult Graceful(CloseRun run)
        {
            if (run.Socket == null)
            {
                // No socket whose receive time-out bounds a blocking read: use the asynchronous close, which is
                // bounded by cancellation and disposal. It never resumes on the caller's context, so this cannot deadlock.
                return GracefulCoreAsync(run, CancellationToken.None).GetAwaiter().GetResult();
            }

            return GracefulOnSocket(run);
        }

        internal static async Task<TlsCloseResult> GracefulCoreAsync(CloseRun run, CancellationToken cancellationToken)
        {
            if (!run.HasSession)
            {
                return run.Finish(run.NoSessionOutcome, null);
            }

            if (!run.CanStartClose)
            {
                // No close_notify and no socket to send a FIN on: the peer is told nothing, so a drain would only wait.
                return run.Finish(TlsCloseOutcome.CloseNotifyUnsupported, null);
            }

            var timeout = TimeoutSources.Rent(run.Options.DrainTimeout);
            var buffer = CloseRun.DiscardBuffer;
            var sending = true;
            try
            {
                // A transport that ignores cancellation still ends its pending read when it is disposed: that is
                // what bounds the close on every stream.
                using var onTimeout = timeout.Token.Register(static s => CloseRun.DisposeQuietly((Stream)s!), run.Stream);
                using var onCancel = cancellationToken.CanBeCanceled
                    ? cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), timeout)
                    : default;
                if (run.Ssl != null && run.CanSendCloseNotify)
                {
                    var shutdown = run.StartShutdown();
                    if (!shutdown.IsCompleted)
                    {
                        // ShutdownAsync takes no token: it waits only when the peer stopped reading and the send
                        // buffer is full. Disposal on time-out ends it.
                        await shutdown.ConfigureAwait(false);
                    }
                    else
                    {
                        shutdown.GetAwaiter().GetResult();
                    }
                }
                else
                {
                    run.ShutdownSocketSend();
                }

                sending = false;
                while (true)
                {
#if SPAN_STREAMS
                    var read = await run.Stream.ReadAsync(buffer.AsMemory(0, CloseRun.DrainBufferSize), timeout.Token).ConfigureAwait(false);
#else
                    var read = await run.Stream.ReadAsync(buffer, 0, CloseRun.DrainBufferSize, timeout.Token).ConfigureAwait(false);
#endif
                    if (run.OnRead(read) is { } outcome)
                    {
                        // The deadline may have fired right after the last read and disposed the stream: the close then
                        // timed out, whatever that read said, and a stream the caller wanted kept is not reported as kept.
                        return run.Finish(StopTimer(onTimeout, timeout) ? outcome : TlsCloseOutcome.DrainTimedOut, null);
                    }
                }
            }
            catch (Exception e)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    run.DisposeQuietly();
                    throw new OperationCanceledException("The TLS close was cancelled.", e, cancellationToken);
                }

                var outcome = CloseRun.OutcomeOf(e, timeout.IsCancellationRequested, sending);
                if (outcome == null)
                {
                    run.DisposeQuietly();
                    throw;
                }

                return run.Finish(outcome.Value, outcome == TlsCloseOutcome.DrainTimedOut ? null : e);
            }
            finally
            {
                TimeoutSources.Return(timeout);
            }
        }

        private static TlsCloseResult GracefulOnSocket(CloseRun run)
        {
            if (!run.HasSession)
            {
                return run.Finish(run.NoSessionOutcome, null);
            }

            var socket = run.Socket!;
            var buffer = CloseRun.DiscardBuffer;
            var sending = true;
            var timedOut = false;
            var savedTimeout = 0;
            try
            {
                savedTimeout = socket.ReceiveTimeout;
                if (run.Ssl != null && run.CanSendCloseNotify)
                {
                    var shutdown = run.StartShutdown();
                    if (!shutdown.Wait(run.Remaining))
                    {
                        timedOut = true;
                        run.DisposeQuietly();
                        ObserveLater(shutdown);
                        return run.Finish(TlsCloseOutcome.DrainTimedOut, null);
                    }
                }
                else
                {
                    run.ShutdownSocketSend();
                }

                sending = false;
                while (true)
                {
                    var remaining = run.Remaining;
                    if (remaining == TimeSpan.Zero)
                    {
                        timedOut = true;
                        return run.Finish(TlsCloseOutcome.DrainTimedOut, null);
                    }

                    // The socket's receive time-out bounds each blocking read; it is set to what is left of the deadline.
                    socket.ReceiveTimeout = Math.Max(1, (int)Math.Ceiling(remaining.TotalMilliseconds));
                    var read = run.Stream.Read(buffer, 0, CloseRun.DrainBufferSize);
                    if (run.OnRead(read) is { } outcome)
                    {
                        return run.Finish(outcome, null);
                    }
                }
            }
            catch (Exception e)
            {
                var error = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
                timedOut |= IsTimeout(error);
                var outcome = CloseRun.OutcomeOf(error, timedOut, sending);
                if (outcome == null)
                {
                    run.DisposeQuietly();
                    throw;
                }

                return run.Finish(outcome.Value, outcome == TlsCloseOutcome.DrainTimedOut ? null : error);
            }
            finally
            {
                if (run.Options.LeaveOpen)
                {
                    RestoreReceiveTimeout(socket, savedTimeout);
                }
            }
        }

        /// <summary>Stops the deadline's disposal; false when it already ran (or is running).</summary>
        private static bool StopTimer(CancellationTokenRegistration onTimeout, CancellationTokenSource timeout)
        {
#if NET
            return onTimeout.Unregister();
#else
            // No atomic unregister here: a deadline that fired has run, or is running, its disposal.
            onTimeout.Dispose();
            return !timeout.IsCancellationRequested;
#endif
        }

        private static bool IsTimeout(Exception? error)
        {
            for (; error != null; error = error.InnerException)
            {
                if (error is SocketException { SocketErrorCode: SocketError.TimedOut })
                {
                    return true;
                }
            }

            return false;
        }

        private static void RestoreReceiveTimeout(Socket socket, int timeout)
        {
            try
            {
                socket.ReceiveTimeout = timeout;
            }
            catch (ObjectDisposedException)
            {
                // The close disposed the stream: nothing to restore.
            }
        }

        // A shutdown abandoned at the deadline fails once its stream is disposed; observe it so that the failure is
        // not reported as an unobserved task exception.
        private static void ObserveLater(Task task) =>
            task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
