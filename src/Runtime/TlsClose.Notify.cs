using System;
using System.IO;

namespace CloseNotify
{
    public static partial class TlsClose
    {
        /// <summary>How long <see cref="Notify(Stream?)"/> waits for its close_notify to be written: 250 ms. Writing
        /// the alert only waits when the peer stopped reading and the socket's send buffer is full; a peer in that
        /// state would not take the alert in seconds either, and a <c>Dispose()</c> must not stall.</summary>
        public static readonly TimeSpan DefaultNotifyTimeout = TimeSpan.FromMilliseconds(250);

        /// <summary>Sends close_notify and disposes <paramref name="stream"/>, waiting at most
        /// <see cref="DefaultNotifyTimeout"/> for the alert to be written and not at all for the peer's answer. For
        /// code that must not block or throw: <c>Dispose()</c>, synchronous close paths, event-loop callbacks.</summary>
        /// <remarks>See <see cref="Notify(Stream?, TimeSpan)"/>.</remarks>
        /// <param name="stream">The <see cref="System.Net.Security.SslStream"/> (or socket stream) to close; null is
        /// accepted and does nothing, so that a connection that never opened can be closed the same way.</param>
        /// <returns>True when the close_notify was written (a FIN, for a socket stream without TLS).</returns>
        public static bool Notify(Stream? stream) => Notify(stream, DefaultNotifyTimeout);

        /// <summary>Sends close_notify and disposes <paramref name="stream"/>, waiting at most
        /// <paramref name="writeTimeout"/> for the alert to be written and not at all for the peer's answer.</summary>
        /// <remarks>
        /// <para>No drain: the peer's close_notify and whatever it still sends are not read, so a peer that was
        /// sending may see a reset when the socket closes with unread bytes. Where the code can await, prefer
        /// <see cref="GracefulAsync"/>, which drains within a bound and reports how the close ended.</para>
        /// <para>The bound holds when the thread pool is starved: the wait is a timed wait of the calling thread
        /// (<c>Task.Wait(TimeSpan)</c>), which needs no other thread to end, so a close_notify whose write completion
        /// would need a pool thread that never comes is reported as not written at the deadline. What the call can take
        /// beyond <paramref name="writeTimeout"/> is the time the system takes to wake the thread, plus the disposal:
        /// measured 3 to 45 ms past the bound for 30-50 closes on a starved pool of a loaded 2-core machine (the load test
        /// allows 1 s).</para>
        /// <para>It never throws an error of the connection (benign or not: the stream is disposed either way, and the
        /// callers it is for cannot act on one); it returns false instead. On .NET Framework 4.6.x, whose SslStream
        /// cannot send close_notify, it only disposes the stream and returns false.</para>
        /// </remarks>
        /// <param name="stream">The <see cref="System.Net.Security.SslStream"/> (or socket stream) to close; null is
        /// accepted and does nothing.</param>
        /// <param name="writeTimeout">How long the alert's write may take.</param>
        /// <returns>True when the close_notify was written within <paramref name="writeTimeout"/> (a FIN, for a socket
        /// stream without TLS); false when there was no session (null, never authenticated, already disposed), the
        /// write did not finish in time, or the connection failed.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="writeTimeout"/> is zero, negative or longer
        /// than <see cref="int.MaxValue"/> milliseconds.</exception>
        public static bool Notify(Stream? stream, TimeSpan writeTimeout)
        {
            if (writeTimeout <= TimeSpan.Zero || writeTimeout.TotalMilliseconds > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(writeTimeout), writeTimeout, "The write timeout must be positive and at most int.MaxValue milliseconds.");
            }

            if (stream == null)
            {
                return false;
            }

            var started = TlsCloseMetrics.Start();
            var run = new CloseRun(stream, TlsCloseOptions.Default);
            var sent = false;
            var hasSession = false;
            try
            {
                hasSession = run.HasSession;
                if (hasSession && run.Ssl != null && run.CanSendCloseNotify)
                {
                    // ShutdownAsync continues on the thread pool (ConfigureAwait(false) inside), so this wait cannot
                    // deadlock on a synchronization context; it returns early only when the send buffer is full.
                    var shutdown = run.StartShutdown();
                    sent = shutdown.Wait(writeTimeout);
                    if (!sent)
                    {
                        // The disposal below ends the pending write; its failure is nobody's to observe.
                        ObserveLater(shutdown);
                    }
                }
                else if (hasSession && run.Ssl == null)
                {
                    run.ShutdownSocketSend();
                    sent = true;
                }
            }
            catch (Exception)
            {
                // Reset, broken pipe, stream disposed concurrently, or a TLS error while writing the alert: the
                // connection is being dropped anyway, and the callers this is for (Dispose) must not throw.
                sent = false;
            }
            finally
            {
                DisposeIgnoringErrors(stream);
            }

            TlsCloseMetrics.Record(TlsCloseMetrics.Notify, sent ? "sent" : hasSession ? "not_sent" : "no_session", started);
            return sent;
        }

        private static void DisposeIgnoringErrors(Stream stream)
        {
            try
            {
                stream.Dispose();
            }
            catch (Exception)
            {
                // A stream whose connection failed may throw from Dispose; Notify promises not to.
            }
        }
    }
}
