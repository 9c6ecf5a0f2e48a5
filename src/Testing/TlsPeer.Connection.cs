using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Testing
{
    /// <summary>The connection: accept or connect, handshake, then one read loop that records what the other side sends
    /// and how it ends the connection.</summary>
    public sealed partial class TlsPeer
    {
        private readonly TlsPeerOptions options;
        private readonly Socket? listener;
        private readonly object gate = new object();
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly TaskCompletionSource<bool> handshake = Waits.Signal();
        private readonly TaskCompletionSource<bool> finished = Waits.Signal();
        private readonly TaskCompletionSource<bool> closeNotify = Waits.Signal();
        private readonly SemaphoreSlim writeLock = new SemaphoreSlim(1, 1);
        private readonly MemoryStream recorded = new MemoryStream();
        private TaskCompletionSource<bool> changed = Waits.Signal();
        private Task run = Task.CompletedTask;
        private volatile PeerScript script;
        private Socket? socket;
        private RecordStream? transport;
        private SslStream? ssl;
        private SslProtocols protocol;
        private long bytesReceived;
        private long bytesSent;
        private int receiveCursor;
        private int closeVotes;
        private bool stopping;

        // What the other side did, and what the peer did; under gate.
        private PeerCloseOutcome? failure;
        private Exception? error;
        private Exception? sendError;
        private bool closeNotifyReceived;
        private long recordsAtCloseNotify;
        private long bytesAtCloseNotify;
        private bool fin;
        private bool reset;
        private bool endedMidRecord;
        private bool peerClosedFirst;
        private bool peerSentCloseNotify;
        private bool closeNotifySending;
        private bool peerEnded;

        private void Start() => run = Task.Run(RunAsync);

        private async Task RunAsync()
        {
            try
            {
                if (await ConnectAsync().ConfigureAwait(false) && await HandshakeAsync().ConfigureAwait(false))
                {
                    _ = Task.Run(OpenAsync);
                    await ReadAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                // The loop classifies every error of the connection; this is a bug of the kit: report it, never hang.
                Fail(PeerCloseOutcome.ProtocolError, e);
            }
            finally
            {
                handshake.TrySetResult(false);
                Pulse();
                finished.TrySetResult(true);
                closeNotify.TrySetResult(false);
            }
        }

        private async Task<bool> ConnectAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(options.Timeout);
            try
            {
                if (listener != null)
                {
#if NET
                    socket = await listener.AcceptAsync(timeout.Token).ConfigureAwait(false);
#else
                    using (timeout.Token.Register(listener.Dispose))
                    {
                        socket = await listener.AcceptAsync().ConfigureAwait(false);
                    }
#endif
                }
                else
                {
                    var client = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    socket = client;
#if NET
                    await client.ConnectAsync(EndPoint, timeout.Token).ConfigureAwait(false);
#else
                    using (timeout.Token.Register(client.Dispose))
                    {
                        await client.ConnectAsync(EndPoint).ConfigureAwait(false);
                    }
#endif
                }

                socket.NoDelay = true;
                return true;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is OperationCanceledException)
            {
                Fail(PeerCloseOutcome.NotConnected, timeout.IsCancellationRequested && !stop.IsCancellationRequested ? new TimeoutException($"No connection within {options.Timeout.TotalSeconds:0.###} s.", e) : e);
                return false;
            }
            finally
            {
                listener?.Dispose();
            }
        }

        private async Task<bool> HandshakeAsync()
        {
            transport = new RecordStream(socket!);
            ssl = new SslStream(transport, false, (_, _, _, _) => true);
            Task authentication = Role == TlsPeerRole.Server
                ? ssl.AuthenticateAsServerAsync(Certificate.Certificate, false, options.Protocols, false)
                : ssl.AuthenticateAsClientAsync(options.TargetHost, new X509CertificateCollection(), options.Protocols, false);
            try
            {
                // SslStream's handshake takes no token in every build: the bound closes the socket under it.
                if (!await Waits.WithinAsync(authentication, options.Timeout, stop.Token).ConfigureAwait(false))
                {
                    socket!.Dispose();
                    Fail(PeerCloseOutcome.HandshakeFailed, new TimeoutException($"The TLS handshake did not finish within {options.Timeout.TotalSeconds:0.###} s."));
                    _ = authentication.ContinueWith(t => t.Exception, TaskScheduler.Default);
                    return false;
                }

                await authentication.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(PeerCloseOutcome.HandshakeFailed, e);
                socket!.Dispose();
                return false;
            }

            protocol = ssl.SslProtocol;
            handshake.TrySetResult(true);
            return true;
        }

        /// <summary>Reads application data until the other side's close_notify, FIN, reset or a TLS error; after a
        /// close_notify, reads below TLS until the FIN or reset.</summary>
        private async Task ReadAsync()
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                int read;
                try
                {
                    read = await ssl!.ReadAsync(buffer, 0, buffer.Length, stop.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    EndedBy(e);
                    return;
                }

                if (read > 0)
                {
                    Record(buffer, read);
                    continue;
                }

                if (transport!.ReachedEnd)
                {
                    // SslStream read the transport to its end: a FIN with no close_notify before it. The peer answers it
                    // as scripted (its write side is still open).
                    lock (gate)
                    {
                        fin = true;
                        endedMidRecord = transport.EndedMidRecord;
                    }

                    StartReply();
                    CloseWhenDone();
                    return;
                }

                // SslStream returned 0 without reaching the transport's end: it decrypted a close_notify, the last record
                // the transport handed out (reads stop at record boundaries).
                lock (gate)
                {
                    closeNotifyReceived = true;
                    recordsAtCloseNotify = transport.RecordsCompleted;
                    bytesAtCloseNotify = transport.BytesIn;
                    CloseNotifyRecordType = transport.LastRecordType;
                }

                closeNotify.TrySetResult(true);
                Pulse();
                StartReply();
                await ReadBelowTlsAsync(buffer).ConfigureAwait(false);
                CloseWhenDone();
                return;
            }
        }

        private async Task ReadBelowTlsAsync(byte[] buffer)
        {
            try
            {
                while (await transport!.ReadAsync(buffer, 0, buffer.Length, stop.Token).ConfigureAwait(false) > 0)
                {
                    Pulse();
                }

                lock (gate)
                {
                    fin = true;
                    endedMidRecord = transport.EndedMidRecord;
                }
            }
            catch (Exception e)
            {
                EndedBy(e);
            }
        }

        /// <summary>The outer content type of the record that carried the other side's close_notify: 21 (alert) in TLS
        /// 1.2, 23 (application_data, the encrypted alert) in TLS 1.3; -1 before one. For the kit's own tests.</summary>
        internal int CloseNotifyRecordType { get; private set; } = -1;

        private void StartReply()
        {
            var reply = script;
            _ = Task.Run(async () =>
            {
                await ReplyAsync(reply).ConfigureAwait(false);
                if (reply.Reply != PeerReply.Silent)
                {
                    CloseWhenDone();
                }
            });
        }

        /// <summary>Closes the socket once both the other side's end was read and the reply was sent (a silent reply
        /// never votes: the connection stays open until the peer is disposed).</summary>
        private void CloseWhenDone()
        {
            if (Interlocked.Increment(ref closeVotes) == 2)
            {
                CloseSocket();
            }
        }

        /// <summary>Classifies what ended the reads: the other side's reset or FIN (cutting a record: SslStream throws),
        /// the peer's own stop or reset, or a TLS error.</summary>
        private void EndedBy(Exception e)
        {
            lock (gate)
            {
                if (transport!.WasReset)
                {
                    reset = true;
                    endedMidRecord = transport.EndedMidRecord;
                }
                else if (transport.ReachedEnd)
                {
                    fin = true;
                    endedMidRecord = transport.EndedMidRecord || !transport.AtRecordBoundary;
                }
                else if (stopping)
                {
                    peerEnded = true;
                }
                else
                {
                    failure = PeerCloseOutcome.ProtocolError;
                    error = e;
                }
            }

            if (!reset)
            {
                CloseSocket();
            }
        }

        private void Record(byte[] buffer, int count)
        {
            lock (gate)
            {
                var room = options.MaxRecordedBytes - (int)recorded.Length;
                if (room > 0)
                {
                    recorded.Write(buffer, 0, Math.Min(room, count));
                }

                Interlocked.Add(ref bytesReceived, count);
            }

            Pulse();
        }

        private void Fail(PeerCloseOutcome outcome, Exception e)
        {
            lock (gate)
            {
                failure ??= outcome;
                error ??= e;
            }
        }

        private void Pulse()
        {
            TaskCompletionSource<bool> old;
            lock (gate)
            {
                old = changed;
                changed = Waits.Signal();
            }

            old.TrySetResult(true);
        }

        private PeerCloseReport Snapshot(TimeSpan waited)
        {
            lock (gate)
            {
                var final = finished.Task.IsCompleted;
                var outcome = failure ?? (closeNotifyReceived
                    ? fin ? PeerCloseOutcome.CloseNotifyThenFin : reset ? PeerCloseOutcome.CloseNotifyThenReset : PeerCloseOutcome.CloseNotifyOnly
                    : fin ? PeerCloseOutcome.FinWithoutCloseNotify : reset ? PeerCloseOutcome.ResetWithoutCloseNotify : PeerCloseOutcome.Open);
                var records = closeNotifyReceived ? transport!.RecordsCompleted - recordsAtCloseNotify : 0;
                var bytes = closeNotifyReceived ? transport!.BytesIn - bytesAtCloseNotify : 0;
                return new PeerCloseReport(outcome, final, Role == TlsPeerRole.Server ? TlsPeerRole.Client : TlsPeerRole.Server, protocol,
                    BytesReceived, recorded.ToArray(), records, bytes, endedMidRecord, peerClosedFirst, peerSentCloseNotify,
                    peerEnded && !fin && !reset, error, waited, Interlocked.Read(ref bytesSent), sendError);
            }
        }
    }
}
