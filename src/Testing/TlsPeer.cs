using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Testing
{
    /// <summary>A TLS endpoint on loopback for driver tests, server or client, that records how the other side (the
    /// driver under test) ends the connection: close_notify then FIN, close_notify then reset, FIN or reset without
    /// close_notify, still open, data after close_notify, and the bytes received before the close. It can be scripted
    /// (<see cref="PeerScript"/>) to drive the driver's own close paths.</summary>
    /// <remarks>
    /// <para>Server role: <see cref="StartServer"/> listens on 127.0.0.1 at once; point the driver at <see cref="EndPoint"/>
    /// and have it trust <see cref="Certificate"/> (<see cref="PeerCertificate.ValidationCallback"/>). Client role:
    /// <see cref="StartClient(IPEndPoint, TlsPeerOptions)"/> connects to the driver's server, which can present the same
    /// <see cref="PeerCertificate"/>. Either way the peer accepts one connection, reads everything the driver sends, and
    /// answers the driver's close as its <see cref="Script"/> says.</para>
    /// <para>Every wait is bounded: by its own timeout argument, else by <see cref="TlsPeerOptions.Timeout"/>; each also
    /// takes a <see cref="CancellationToken"/>. Dispose the peer at the end of the test (it closes the connection).</para>
    /// </remarks>
    public sealed partial class TlsPeer : IDisposable
#if NET
        , IAsyncDisposable
#endif
    {
        private TlsPeer(TlsPeerRole role, IPEndPoint endPoint, Socket? listener, TlsPeerOptions options)
        {
            Role = role;
            EndPoint = endPoint;
            this.listener = listener;
            this.options = options;
            script = options.Script!;
            Certificate = options.Certificate ?? PeerCertificate.Shared;
        }

        /// <summary>The peer's role; the driver under test plays the other.</summary>
        public TlsPeerRole Role { get; }

        /// <summary>Server role: where the peer listens (127.0.0.1, a free port). Client role: the server it connects to.</summary>
        public IPEndPoint EndPoint { get; }

        /// <summary>The port of <see cref="EndPoint"/>.</summary>
        public int Port => EndPoint.Port;

        /// <summary>The certificate the peer presents as a server (and that a driver's server may present to a client peer).</summary>
        public PeerCertificate Certificate { get; }

        /// <summary>The TLS version negotiated (<see cref="SslProtocols.None"/> before the handshake).</summary>
        public SslProtocols Protocol => protocol;

        /// <summary>Application bytes received from the other side so far.</summary>
        public long BytesReceived => Interlocked.Read(ref bytesReceived);

        /// <summary>How the peer answers the other side's close. Read when that close arrives, so a test may change it
        /// until then (after an exchange of data, say).</summary>
        /// <exception cref="ArgumentNullException">The value is null.</exception>
        public PeerScript Script
        {
            get => script;
            set
            {
                var copy = (value ?? throw new ArgumentNullException(nameof(value))).Clone();
                copy.Validate();
                script = copy;
            }
        }

        /// <summary>Starts a server peer on 127.0.0.1 (a free port) that accepts one connection.</summary>
        /// <param name="options">Options; null for the defaults.</param>
        /// <returns>The running peer.</returns>
        public static TlsPeer StartServer(TlsPeerOptions? options = null)
        {
            var valid = (options ?? new TlsPeerOptions()).Validated();
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Listen(1);
                var peer = new TlsPeer(TlsPeerRole.Server, (IPEndPoint)listener.LocalEndPoint!, listener, valid);
                peer.Start();
                return peer;
            }
            catch
            {
                listener.Dispose();
                throw;
            }
        }

        /// <summary>Starts a client peer that connects to <paramref name="server"/> (the driver's server) and shakes hands.
        /// It accepts any server certificate.</summary>
        /// <param name="server">The server's end point.</param>
        /// <param name="options">Options; null for the defaults.</param>
        /// <returns>The running peer.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="server"/> is null.</exception>
        public static TlsPeer StartClient(IPEndPoint server, TlsPeerOptions? options = null)
        {
            var peer = new TlsPeer(TlsPeerRole.Client, server ?? throw new ArgumentNullException(nameof(server)), null, (options ?? new TlsPeerOptions()).Validated());
            peer.Start();
            return peer;
        }

        /// <summary>Waits until the TLS handshake is done.</summary>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>A task that completes with the handshake.</returns>
        /// <exception cref="TlsPeerAssertionException">No connection came, or the handshake failed, within <see cref="TlsPeerOptions.Timeout"/>.</exception>
        public async Task WaitForHandshakeAsync(CancellationToken cancellationToken = default)
        {
            // The connection and the handshake are bounded by the options' timeout; the margin covers the report.
            await Waits.WithinAsync(handshake.Task, options.Timeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            if (!handshake.Task.IsCompleted || !handshake.Task.Result)
            {
                var report = Snapshot(options.Timeout);
                throw new TlsPeerAssertionException(Sentence($"{report}; expected a completed TLS handshake."), report);
            }
        }

        /// <summary>Waits until the other side has ended the connection, or <paramref name="timeout"/> has passed, and
        /// says what the peer saw. A time-out is not an error: the report then says <see cref="PeerCloseOutcome.Open"/>
        /// or <see cref="PeerCloseOutcome.CloseNotifyOnly"/> with <see cref="PeerCloseReport.IsFinal"/> false.</summary>
        /// <param name="timeout">How long to wait (default <see cref="TlsPeerOptions.Timeout"/>); positive and finite.</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The report.</returns>
        public async Task<PeerCloseReport> WaitForCloseAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            var limit = Waits.Check(timeout, options.Timeout, nameof(timeout));
            await Waits.WithinAsync(finished.Task, limit, cancellationToken).ConfigureAwait(false);
            return Snapshot(limit);
        }

        /// <summary>Waits until the other side's close_notify has arrived (or the connection has ended, or
        /// <paramref name="timeout"/> has passed), and says what the peer saw: for a test that acts between the
        /// driver's close_notify and its TCP close.</summary>
        /// <param name="timeout">How long to wait (default <see cref="TlsPeerOptions.Timeout"/>); positive and finite.</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The report at that moment.</returns>
        public async Task<PeerCloseReport> WaitForCloseNotifyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            var limit = Waits.Check(timeout, options.Timeout, nameof(timeout));
            await Waits.WithinAsync(closeNotify.Task, limit, cancellationToken).ConfigureAwait(false);
            return Snapshot(limit);
        }

        /// <summary>Stops reading now (see <see cref="PeerOpening.StopReading"/>).</summary>
        public void StopReading() => transport?.Pause();

        /// <summary>What the peer has seen so far, without waiting.</summary>
        /// <returns>The report.</returns>
        public PeerCloseReport CurrentReport() => Snapshot(TimeSpan.Zero);

        /// <summary>Passes when the other side sent close_notify, then closed the TCP connection (FIN), and sent nothing
        /// after its close_notify.</summary>
        /// <param name="timeout">How long to wait for the close (default <see cref="TlsPeerOptions.Timeout"/>).</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The report, for further checks.</returns>
        /// <exception cref="TlsPeerAssertionException">The close was another; the message says what happened on the wire.</exception>
        public async Task<PeerCloseReport> AssertClosedGracefullyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            var report = await WaitForCloseAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!report.IsGraceful)
            {
                throw new TlsPeerAssertionException(
                    Sentence($"{report}; expected close_notify then FIN{(report.RecordsAfterCloseNotify > 0 ? ", and nothing after close_notify" : string.Empty)}."), report);
            }

            return report;
        }

        /// <summary>Passes when the other side closed the TCP connection without close_notify (what a driver that only
        /// disposes its <see cref="SslStream"/> does).</summary>
        /// <param name="timeout">How long to wait for the close (default <see cref="TlsPeerOptions.Timeout"/>).</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The report, for further checks.</returns>
        /// <exception cref="TlsPeerAssertionException">The close was another.</exception>
        public Task<PeerCloseReport> AssertTruncatedAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            AssertClosedAsync(PeerCloseOutcome.FinWithoutCloseNotify, timeout, cancellationToken);

        /// <summary>Passes when the connection ended with <paramref name="expected"/>.</summary>
        /// <param name="expected">The outcome the test expects.</param>
        /// <param name="timeout">How long to wait for the close (default <see cref="TlsPeerOptions.Timeout"/>).</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The report, for further checks.</returns>
        /// <exception cref="TlsPeerAssertionException">The close was another.</exception>
        public async Task<PeerCloseReport> AssertClosedAsync(PeerCloseOutcome expected, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            var report = await WaitForCloseAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (report.Outcome != expected)
            {
                throw new TlsPeerAssertionException(Sentence($"{report}; expected {PeerCloseReport.Describe(expected)}."), report);
            }

            return report;
        }

        /// <summary>Passes when the other side has neither sent close_notify nor closed the connection during
        /// <paramref name="duration"/> (a pooled connection kept open, say).</summary>
        /// <param name="duration">How long the connection must stay open; positive and finite.</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>A task that completes after <paramref name="duration"/>.</returns>
        /// <exception cref="TlsPeerAssertionException">The other side closed, or sent close_notify.</exception>
        public async Task AssertStillOpenAsync(TimeSpan duration, CancellationToken cancellationToken = default)
        {
            var report = await WaitForCloseAsync(duration, cancellationToken).ConfigureAwait(false);
            if (report.Outcome != PeerCloseOutcome.Open)
            {
                throw new TlsPeerAssertionException(Sentence($"{report}; expected the connection still open after {duration.TotalSeconds:0.###} s."), report);
            }
        }

        /// <summary>Waits for the next <paramref name="count"/> application bytes from the other side and returns them
        /// (a request the driver sent, say). Bytes past <see cref="TlsPeerOptions.MaxRecordedBytes"/> are not kept.</summary>
        /// <param name="count">How many bytes.</param>
        /// <param name="timeout">How long to wait (default <see cref="TlsPeerOptions.Timeout"/>).</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The bytes.</returns>
        /// <exception cref="TlsPeerAssertionException">The connection ended, or the time ran out, before they came.</exception>
        public Task<byte[]> ReceiveAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            if (count < 0 || count > options.MaxRecordedBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "Between 0 and MaxRecordedBytes.");
            }

            return ReceiveCoreAsync(count, Waits.Check(timeout, options.Timeout, nameof(timeout)), cancellationToken);
        }

        /// <summary>Sends application data to the other side (a response, a server's banner).</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="cancellationToken">Cancels the write.</param>
        /// <returns>A task that completes when the data is written (bounded by <see cref="TlsPeerOptions.Timeout"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        public Task SendAsync(byte[] data, CancellationToken cancellationToken = default)
        {
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            return Waits.BoundedAsync(WriteAsync(data, data.Length, cancellationToken), options.Timeout, "The peer's write", cancellationToken);
        }

        /// <summary>Closes first, now: sends close_notify, then a FIN, and goes on reading to see how the other side answers.</summary>
        /// <param name="cancellationToken">Cancels the wait for the write.</param>
        /// <returns>A task that completes when both are sent (bounded by <see cref="TlsPeerOptions.Timeout"/>).</returns>
        public Task CloseNotifyAsync(CancellationToken cancellationToken = default) =>
            Waits.BoundedAsync(SendCloseNotifyAsync(cancellationToken), options.Timeout, "The peer's close_notify", cancellationToken);

        /// <summary>Sends a FIN without close_notify (a truncation the other side should notice); reads go on.</summary>
        public void CloseWithoutCloseNotify() => ShutdownSend();

        /// <summary>Resets the connection now (RST, no close_notify).</summary>
        public void Reset() => ResetNow();

        /// <summary>Sends an application-data record of <paramref name="length"/> bytes cut in the middle, then a FIN.</summary>
        /// <param name="length">The record's plaintext length (at least 2).</param>
        /// <param name="cancellationToken">Cancels the write.</param>
        /// <returns>A task that completes when the cut record and the FIN are sent.</returns>
        public Task SendTruncatedRecordAsync(int length = 1000, CancellationToken cancellationToken = default)
        {
            if (length < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, "At least 2 bytes.");
            }

            return Waits.BoundedAsync(SendCutRecordAsync(length, cancellationToken), options.Timeout, "The peer's truncated record", cancellationToken);
        }

        /// <summary>Closes the connection (a FIN, or a reset where the other side's bytes are still unread) and stops the
        /// peer; waits at most 5 s for its reads to end.</summary>
        public void Dispose()
        {
            Stop();
            run.Wait(TimeSpan.FromSeconds(5));
        }
#if NET

        /// <summary>Like <see cref="Dispose"/>, without blocking a thread.</summary>
        /// <returns>A task that completes when the peer has stopped (at most 5 s).</returns>
        public async ValueTask DisposeAsync()
        {
            Stop();
            await Waits.WithinAsync(run, TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
#endif

        internal static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
