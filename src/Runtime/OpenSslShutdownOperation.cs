using System;
using System.Diagnostics;
using System.IO;

namespace CloseNotify
{
    /// <summary>One OpenSSL shutdown driven step by step, for a caller that owns its event loop (its own epoll, a
    /// DotNetty-like channel loop): <see cref="Step"/> never sleeps and never waits on the socket. It advances the
    /// shutdown as far as the socket allows (our close_notify, the drain of what the peer still sends with
    /// <c>SSL_read</c>, the peer's close_notify) and says what it waits for: <see cref="OpenSslWait.Readable"/>,
    /// <see cref="OpenSslWait.Writable"/> or <see cref="OpenSslWait.Done"/>. Create it with
    /// <see cref="OpenSslShutdown.Begin(IntPtr, OpenSslBinding, TlsCloseOptions?)"/>.</summary>
    /// <remarks>
    /// <para>The socket must be non-blocking (a blocking socket makes <c>SSL_read</c> wait inside the step). The loop
    /// calls <see cref="Step"/> again when the socket is ready, or at the latest after <see cref="Remaining"/>: the step
    /// that finds the deadline passed ends the shutdown as <see cref="TlsCloseOutcome.DrainTimedOut"/>. One step does at
    /// most the reads that <see cref="TlsCloseOptions.MaxDrainBytes"/> allows.</para>
    /// <para>The outcomes and errors are those of <see cref="OpenSslShutdown.Drive(IntPtr, OpenSslBinding, TlsCloseOptions?, System.Threading.CancellationToken)"/>,
    /// which is this loop with the binding's blocking wait. The operation never frees the <c>SSL*</c> nor closes the
    /// socket. It is not thread-safe: one loop drives it.</para>
    /// </remarks>
    public sealed class OpenSslShutdownOperation
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

        private readonly IntPtr ssl;
        private readonly OpenSslBinding binding;
        private readonly TlsCloseOptions options;
        private readonly long started;
        private bool reading;
        private bool peerClosed;
        private long drained;
        private TlsCloseResult? result;
        private Exception? failure;

        internal OpenSslShutdownOperation(IntPtr ssl, OpenSslBinding binding, TlsCloseOptions options)
        {
            this.ssl = ssl;
            this.binding = binding;
            this.options = options;
            started = Stopwatch.GetTimestamp();

            // Our close_notify already sent by an earlier SSL_shutdown of the caller: go straight to SSL_read. Another
            // SSL_shutdown would read in its place and fail the connection on the first byte of application data
            // (SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY is fatal in OpenSSL).
            var state = binding.GetShutdownState(ssl);
            reading = state >= 0 && (state & (SentShutdown | ReceivedShutdown)) == SentShutdown;
        }

        /// <summary>How long the shutdown may still take: the longest the loop should wait before the next
        /// <see cref="Step"/>. Zero once the deadline passed.</summary>
        public TimeSpan Remaining
        {
            get
            {
                var left = options.DrainTimeout - CloseRun.ElapsedSince(started);
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        /// <summary>Whether the shutdown is over (a step returned <see cref="OpenSslWait.Done"/> or threw).</summary>
        public bool IsDone => result != null || failure != null;

        /// <summary>How the shutdown ended.</summary>
        /// <exception cref="InvalidOperationException">The shutdown is not over, or a step threw.</exception>
        public TlsCloseResult Result => result ?? throw new InvalidOperationException(
            failure != null ? "The OpenSSL shutdown failed: its step threw." : "The OpenSSL shutdown is not over: call Step until it returns Done.");

        /// <summary>Advances the shutdown without waiting: calls <c>SSL_shutdown</c> or <c>SSL_read</c> until OpenSSL
        /// needs the socket, the exchange completes, the deadline passed or the byte limit is reached.</summary>
        /// <returns>What the shutdown waits for; <see cref="OpenSslWait.Done"/> when it is over (and on every later call).</returns>
        /// <exception cref="IOException">OpenSSL or the socket failed in a way that is not a benign end; the operation is then over.</exception>
        public OpenSslWait Step()
        {
            if (IsDone)
            {
                return OpenSslWait.Done;
            }

            try
            {
                return Advance();
            }
            catch (Exception e)
            {
                Fail(e);
                throw;
            }
        }

        /// <summary>Ends the operation with an error raised by its loop (cancellation), and counts it.</summary>
        internal void Fail(Exception error)
        {
            if (!IsDone)
            {
                failure = error;
                TlsCloseMetrics.RecordError(TlsCloseMetrics.OpenSsl, error, drained, CloseRun.ElapsedSince(started));
            }
        }

        private OpenSslWait Advance()
        {
            var buffer = CloseRun.DiscardBuffer;
            while (true)
            {
                if (Remaining == TimeSpan.Zero)
                {
                    return Finish(TlsCloseOutcome.DrainTimedOut);
                }

                binding.ClearErrors();
                int returned;
                if (reading)
                {
                    returned = binding.Read(ssl, buffer);
                    if (returned > 0)
                    {
                        drained += returned;
                        if (drained > options.MaxDrainBytes)
                        {
                            return Finish(TlsCloseOutcome.ByteLimitReached);
                        }

                        continue;
                    }
                }
                else
                {
                    returned = binding.Shutdown(ssl);
                    if (returned == 1 || (returned == 0 && peerClosed))
                    {
                        return Finish(TlsCloseOutcome.Clean);
                    }

                    if (returned == 0)
                    {
                        // Our close_notify is out; the peer's has not been seen. Read until it comes.
                        reading = true;
                        continue;
                    }
                }

                var error = binding.GetError(ssl, returned);
                switch (error)
                {
                    case SslErrorWantRead:
                        // SSL_shutdown wants to read only once our close_notify is out: read with SSL_read from now
                        // on, for the reason given in the constructor.
                        reading = true;
                        return OpenSslWait.Readable;
                    case SslErrorWantWrite:
                        return OpenSslWait.Writable;
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

                        if (errno == 0 && (queued == 0 || returned == 0))
                        {
                            return Finish(TlsCloseOutcome.PeerClosedWithoutCloseNotify);
                        }

                        if (IsReset(errno))
                        {
                            return Finish(TlsCloseOutcome.PeerReset);
                        }

                        throw Failure(error, queued, errno);
                    case SslErrorSsl:
                        var code = binding.TakeError();
                        if ((code & SystemErrorFlag) != 0 && IsReset((int)(code & 0x7FFFFFFF)))
                        {
                            return Finish(TlsCloseOutcome.PeerReset);
                        }

                        switch ((code & SystemErrorFlag) == 0 && (int)((code >> 23) & 0xFF) == LibSsl ? (int)(code & 0x7FFFFF) : 0)
                        {
                            case ReasonUnexpectedEofWhileReading:
                                return Finish(TlsCloseOutcome.PeerClosedWithoutCloseNotify);
                            case ReasonApplicationDataAfterCloseNotify:
                                // Benign (the peer was still sending), but fatal to the SSL*: nothing more can be read,
                                // so the data left unread is what the byte limit stands for. Only a binding without
                                // GetShutdownState, handed an SSL* whose close_notify was already sent, gets here.
                                return Finish(
                                    TlsCloseOutcome.ByteLimitReached,
                                    new IOException("OpenSSL met application data inside SSL_shutdown after our close_notify (SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY); the connection can no longer be drained."));
                            default:
                                throw Failure(error, code, 0);
                        }

                    default:
                        throw Failure(error, binding.TakeError(), 0);
                }
            }
        }

        private OpenSslWait Finish(TlsCloseOutcome outcome, Exception? benignError = null)
        {
            var done = new TlsCloseResult(outcome, drained, CloseRun.ElapsedSince(started), benignError);
            result = done;
            TlsCloseMetrics.Record(TlsCloseMetrics.OpenSsl, outcome, done.BytesDrained, done.Elapsed);
            return OpenSslWait.Done;
        }

        // ECONNRESET, EPIPE and ECONNABORTED on Linux: the peer is gone, which a close may ignore.
        private static bool IsReset(int errno) => errno is 104 or 32 or 103;

        private IOException Failure(int sslError, ulong queued, int errno) =>
            new IOException(
                $"{(reading ? "SSL_read" : "SSL_shutdown")} failed during the TLS shutdown: SSL_get_error = {sslError}" +
                (queued != 0 ? $", OpenSSL error 0x{queued:X}" : string.Empty) +
                (errno != 0 ? $", errno {errno}" : string.Empty) + ".");
    }
}
