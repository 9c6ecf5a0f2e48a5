using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify
{
    /// <summary>The state of one graceful close, shared by the synchronous and asynchronous paths: what is being
    /// closed, the deadline, the bytes drained, and how each read or error maps to an outcome.</summary>
    internal struct CloseRun
    {
        // One TLS record holds at most 16 KiB of plaintext; a buffer that size drains a record per read.
        public const int DrainBufferSize = 16 * 1024;

        /// <summary>Where every drain reads to. Nobody reads the drained bytes back, so all closes (and the OpenSSL
        /// driver) share one buffer: no rent or return per close, and no pool that runs dry when many close at once.</summary>
        public static readonly byte[] DiscardBuffer = new byte[DrainBufferSize];

        private readonly long startTimestamp;
#if SHUTDOWN_BY_REFLECTION
        private readonly Func<SslStream, Task>? shutdownAsync;

        public CloseRun(Stream stream, TlsCloseOptions options)
            : this(stream, options, SslShutdown.Start)
        {
        }

        /// <summary>A close that calls <paramref name="shutdownAsync"/> for ShutdownAsync; null plays a framework without it.</summary>
        internal CloseRun(Stream stream, TlsCloseOptions options, Func<SslStream, Task>? shutdownAsync)
        {
            this.shutdownAsync = shutdownAsync;
#else
        public CloseRun(Stream stream, TlsCloseOptions options)
        {
#endif
            Stream = stream;
            Options = options;
            Ssl = stream as SslStream;
            Socket = Transports.SocketOf(stream);
            startTimestamp = Stopwatch.GetTimestamp();
            BytesDrained = 0;
        }

        public Stream Stream { get; }

        public TlsCloseOptions Options { get; }

        public SslStream? Ssl { get; }

        public Socket? Socket { get; }

        public long BytesDrained { get; private set; }

        /// <summary>Whether there is anything to close: an authenticated TLS session, or a socket to half-close.</summary>
        public bool HasSession => Ssl != null ? Ssl.IsAuthenticated : Socket != null;

        /// <summary>Whether <see cref="StartShutdown"/> can send a close_notify: false only for the netstandard2.0 and
        /// net462 builds on a framework whose SslStream has no ShutdownAsync (.NET Framework 4.6.x).</summary>
#if SHUTDOWN_BY_REFLECTION
        public bool CanSendCloseNotify => shutdownAsync != null;
#else
        public bool CanSendCloseNotify => true;
#endif

        /// <summary>What the close does first: close_notify on a TLS stream that can send one; otherwise a FIN on the
        /// socket, when one is reachable (a TLS stream that cannot send close_notify then ends like a plain TCP stream,
        /// which its peer answers by closing, so the drain still ends early and no unread byte turns the close into a
        /// reset); otherwise nothing, and there is nothing to drain either.</summary>
        public bool CanStartClose => (Ssl != null && CanSendCloseNotify) || Socket != null;

        /// <summary>Why there is nothing to close: <see cref="TlsCloseOutcome.AlreadyClosed"/> for a disposed
        /// <see cref="SslStream"/>, <see cref="TlsCloseOutcome.NoSession"/> otherwise.</summary>
        public TlsCloseOutcome NoSessionOutcome
        {
            get
            {
                if (Ssl == null)
                {
                    return TlsCloseOutcome.NoSession;
                }

                // A disposed SslStream reports IsAuthenticated false, like one never authenticated; its members that
                // need a session check disposal first (ObjectDisposedException) and authentication second.
                try
                {
                    _ = Ssl.SslProtocol;
                    return TlsCloseOutcome.NoSession;
                }
                catch (ObjectDisposedException)
                {
                    return TlsCloseOutcome.AlreadyClosed;
                }
                catch (Exception e) when (e is InvalidOperationException or AuthenticationException or IOException)
                {
                    // Never authenticated, or the handshake failed (the stream rethrows its error): no session.
                    return TlsCloseOutcome.NoSession;
                }
            }
        }

        public TimeSpan Elapsed => ElapsedSince(startTimestamp);

        /// <summary>Time since a <see cref="Stopwatch.GetTimestamp"/> reading, without a Stopwatch object.</summary>
        public static TimeSpan ElapsedSince(long startTimestamp) =>
            TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - startTimestamp) * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));

        public TimeSpan Remaining
        {
            get
            {
                var left = Options.DrainTimeout - Elapsed;
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        /// <summary>Sends our close_notify. A stream the caller already shut down has sent it: SslStream then refuses a
        /// second shutdown with <see cref="InvalidOperationException"/>, and the close goes on with the drain, which
        /// is what keeps the peer's last bytes from being reset away.</summary>
        public Task StartShutdown()
        {
            Task shutdown;
            try
            {
#if SHUTDOWN_BY_REFLECTION
                shutdown = shutdownAsync!(Ssl!);
#else
                shutdown = Ssl!.ShutdownAsync();
#endif
            }
            catch (InvalidOperationException e) when (IsShutDownAlready(e))
            {
                return Task.CompletedTask;
            }

            return shutdown.IsFaulted && shutdown.Exception!.InnerException is InvalidOperationException error && IsShutDownAlready(error)
                ? Task.CompletedTask
                : shutdown;
        }

        // Authenticated and not disposed: the only InvalidOperationException ShutdownAsync raises then is "shut down already".
        private bool IsShutDownAlready(InvalidOperationException error) => error is not ObjectDisposedException && Ssl!.IsAuthenticated;

        /// <summary>Sends our end of the plain TCP stream (the non-TLS case): a FIN.</summary>
        public void ShutdownSocketSend() => Socket!.Shutdown(SocketShutdown.Send);

        /// <summary>Accounts for one drain read; returns the outcome when the read ends the drain.</summary>
        public TlsCloseOutcome? OnRead(int read)
        {
            if (read == 0)
            {
                if (Ssl == null)
                {
                    return TlsCloseOutcome.Clean; // a plain TCP stream ends at the peer's FIN
                }

                if (!CanSendCloseNotify)
                {
                    return TlsCloseOutcome.CloseNotifyUnsupported; // however the peer ended, ours was a bare FIN
                }

                var observer = Transports.ObserverOf(Ssl);
                return observer == null ? TlsCloseOutcome.EndOfStream
                    : observer.ReachedEnd ? TlsCloseOutcome.PeerClosedWithoutCloseNotify
                    : TlsCloseOutcome.Clean;
            }

            BytesDrained += read;
            return BytesDrained > Options.MaxDrainBytes ? TlsCloseOutcome.ByteLimitReached : null;
        }

        /// <summary>Maps an error of the close to its outcome; null means the error is not benign and must surface.</summary>
        public static TlsCloseOutcome? OutcomeOf(Exception error, bool timedOut, bool sending)
        {
            if (timedOut)
            {
                // When the deadline passed, the transport was disposed or the read cancelled: whatever that raised,
                // the cause is the silent peer.
                return TlsCloseOutcome.DrainTimedOut;
            }

            if (error is OperationCanceledException || !TlsErrors.IsBenign(error))
            {
                return null;
            }

            if (TlsErrors.IsReset(error))
            {
                return TlsCloseOutcome.PeerReset;
            }

            if (error is ObjectDisposedException || (sending && error is IOException { InnerException: ObjectDisposedException }))
            {
                return TlsCloseOutcome.AlreadyClosed;
            }

            return TlsCloseOutcome.PeerClosedWithoutCloseNotify;
        }

        /// <summary>Ends the close: disposes the stream unless the caller keeps it and the close went well.</summary>
        public TlsCloseResult Finish(TlsCloseOutcome outcome, Exception? benignError)
        {
            var keep = Options.LeaveOpen && outcome is TlsCloseOutcome.Clean or TlsCloseOutcome.EndOfStream or TlsCloseOutcome.NoSession
                or TlsCloseOutcome.CloseNotifyUnsupported;
            if (!keep)
            {
                DisposeQuietly();
            }

            var result = new TlsCloseResult(outcome, BytesDrained, Elapsed, benignError);
            TlsCloseMetrics.Record(TlsCloseMetrics.Graceful, outcome, result.BytesDrained, result.Elapsed);
            return result;
        }

        /// <summary>Ends a close that throws (a non-benign error, or cancellation): disposes the stream and counts it.</summary>
        public void Fail(Exception error)
        {
            DisposeQuietly();
            TlsCloseMetrics.RecordError(TlsCloseMetrics.Graceful, error, BytesDrained, Elapsed);
        }

        /// <summary>Disposes the stream; a stream whose connection already failed may throw again, which says nothing new.</summary>
        public void DisposeQuietly() => DisposeQuietly(Stream);

        public static void DisposeQuietly(Stream stream)
        {
            try
            {
                stream.Dispose();
            }
            catch (Exception e) when (TlsErrors.IsBenign(e))
            {
            }
        }
    }
}
