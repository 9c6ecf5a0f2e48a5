using System;
using System.Globalization;
using System.Security.Authentication;
using System.Text;

namespace CloseNotify.Testing
{
    /// <summary>What a <see cref="TlsPeer"/> saw of the other side's close: the outcome, the bytes before it, what came
    /// after close_notify. A snapshot: a report taken while the connection is open says so (<see cref="IsFinal"/>).</summary>
    public sealed class PeerCloseReport
    {
        internal PeerCloseReport(PeerCloseOutcome outcome, bool isFinal, TlsPeerRole otherSide, SslProtocols protocol, long bytesReceived, byte[] received,
            long recordsAfterCloseNotify, long bytesAfterCloseNotify, bool endedMidRecord, bool peerClosedFirst, bool peerSentCloseNotify,
            bool peerEndedConnection, Exception? error, TimeSpan waited, long bytesSent, Exception? sendError)
        {
            Outcome = outcome;
            IsFinal = isFinal;
            OtherSide = otherSide;
            Protocol = protocol;
            BytesReceived = bytesReceived;
            Received = received;
            RecordsAfterCloseNotify = recordsAfterCloseNotify;
            BytesAfterCloseNotify = bytesAfterCloseNotify;
            EndedMidRecord = endedMidRecord;
            PeerClosedFirst = peerClosedFirst;
            PeerSentCloseNotify = peerSentCloseNotify;
            PeerEndedConnection = peerEndedConnection;
            Error = error;
            Waited = waited;
            BytesSent = bytesSent;
            SendError = sendError;
        }

        /// <summary>How the other side ended the connection.</summary>
        public PeerCloseOutcome Outcome { get; }

        /// <summary>True when the other side's part is over (its end was seen, or the connection failed or was ended by the
        /// peer): the outcome can no longer change (a scripted reply may still be sending). False when the wait ended first.</summary>
        public bool IsFinal { get; }

        /// <summary>The role of the other side (the driver under test): the opposite of the peer's.</summary>
        public TlsPeerRole OtherSide { get; }

        /// <summary>The TLS version negotiated (<see cref="SslProtocols.None"/> before a handshake).</summary>
        public SslProtocols Protocol { get; }

        /// <summary>Application bytes the other side sent before its close (all of them, counted).</summary>
        public long BytesReceived { get; }

        /// <summary>The application bytes themselves, up to <see cref="TlsPeerOptions.MaxRecordedBytes"/>.</summary>
        public byte[] Received { get; }

        /// <summary>TLS records that came after the other side's close_notify (application data after close_notify).</summary>
        public long RecordsAfterCloseNotify { get; }

        /// <summary>Bytes on the wire (encrypted, headers included) of <see cref="RecordsAfterCloseNotify"/>.</summary>
        public long BytesAfterCloseNotify { get; }

        /// <summary>The connection ended in the middle of a TLS record (a truncated record).</summary>
        public bool EndedMidRecord { get; }

        /// <summary>The peer sent its close_notify before the other side's (a scripted close first).</summary>
        public bool PeerClosedFirst { get; }

        /// <summary>The peer sent a close_notify (first or as an answer).</summary>
        public bool PeerSentCloseNotify { get; }

        /// <summary>The peer itself reset or closed the connection before the other side ended it (a scripted reset, or
        /// the peer was disposed): what the other side would have done next was not seen.</summary>
        public bool PeerEndedConnection { get; }

        /// <summary>The error of a failed connection or handshake, or the TLS error of <see cref="PeerCloseOutcome.ProtocolError"/>.</summary>
        public Exception? Error { get; }

        /// <summary>Application bytes the peer sent (its own data, and any scripted data after close_notify).</summary>
        public long BytesSent { get; }

        /// <summary>The first error of the peer's own writes (a scripted reply to a side already gone, say), if any.</summary>
        public Exception? SendError { get; }

        /// <summary>How long the wait that produced this report lasted.</summary>
        public TimeSpan Waited { get; }

        /// <summary>True for close_notify then FIN, with no data after close_notify: the close a driver should make.</summary>
        public bool IsGraceful => Outcome == PeerCloseOutcome.CloseNotifyThenFin && RecordsAfterCloseNotify == 0;

        /// <summary>What happened on the wire, in one sentence (e.g. "the client closed the TCP connection without
        /// close_notify after 1,024 bytes (TLS 1.3)").</summary>
        /// <returns>The description.</returns>
        public override string ToString()
        {
            var who = "the " + (OtherSide == TlsPeerRole.Client ? "client" : "server");
            var text = new StringBuilder();
            switch (Outcome)
            {
                case PeerCloseOutcome.NotConnected:
                    text.Append(OtherSide == TlsPeerRole.Client
                        ? $"no client connected within {Seconds(Waited)}"
                        : $"the peer could not connect to the server{ErrorText()}");
                    break;
                case PeerCloseOutcome.HandshakeFailed:
                    text.Append($"the TLS handshake with {who} failed{ErrorText()}");
                    break;
                case PeerCloseOutcome.Open:
                    text.Append($"{who} neither sent close_notify nor closed the TCP connection {Within()}, after {Bytes(BytesReceived)}");
                    break;
                case PeerCloseOutcome.CloseNotifyOnly:
                    text.Append($"{who} sent close_notify after {Bytes(BytesReceived)} but left the TCP connection open ")
                        .Append(PeerEndedConnection ? "until the peer closed it" : Within());
                    break;
                case PeerCloseOutcome.CloseNotifyThenFin:
                    text.Append($"{who} sent close_notify after {Bytes(BytesReceived)}, then closed the TCP connection (FIN)");
                    break;
                case PeerCloseOutcome.CloseNotifyThenReset:
                    text.Append($"{who} sent close_notify after {Bytes(BytesReceived)}, then reset the TCP connection");
                    break;
                case PeerCloseOutcome.FinWithoutCloseNotify:
                    text.Append($"{who} closed the TCP connection without close_notify after {Bytes(BytesReceived)}");
                    break;
                case PeerCloseOutcome.ResetWithoutCloseNotify:
                    text.Append($"{who} reset the TCP connection without close_notify after {Bytes(BytesReceived)}");
                    break;
                default:
                    text.Append($"the connection with {who} ended in a TLS error after {Bytes(BytesReceived)} (a fatal alert, or a record that did not decrypt){ErrorText()}");
                    break;
            }

            if (EndedMidRecord)
            {
                text.Append(", in the middle of a TLS record");
            }

            if (RecordsAfterCloseNotify > 0)
            {
                text.Append($"; it sent {RecordsAfterCloseNotify} more TLS record{(RecordsAfterCloseNotify == 1 ? string.Empty : "s")} ({Bytes(BytesAfterCloseNotify)}) after its close_notify");
            }

            if (PeerClosedFirst)
            {
                text.Append("; the peer had sent close_notify first");
            }

            if (Protocol != SslProtocols.None)
            {
                text.Append($" ({Version(Protocol)})");
            }

            return text.ToString();
        }

        internal static string Describe(PeerCloseOutcome outcome) => outcome switch
        {
            PeerCloseOutcome.NotConnected => "no connection",
            PeerCloseOutcome.HandshakeFailed => "a failed handshake",
            PeerCloseOutcome.Open => "the connection still open",
            PeerCloseOutcome.CloseNotifyOnly => "close_notify with the TCP connection left open",
            PeerCloseOutcome.CloseNotifyThenFin => "close_notify then FIN",
            PeerCloseOutcome.CloseNotifyThenReset => "close_notify then a reset",
            PeerCloseOutcome.FinWithoutCloseNotify => "a FIN without close_notify (a truncation)",
            PeerCloseOutcome.ResetWithoutCloseNotify => "a reset without close_notify",
            _ => "a TLS error",
        };

        internal static string Version(SslProtocols protocol) => protocol switch
        {
            SslProtocols.Tls12 => "TLS 1.2",
            TlsVersions.Tls13 => "TLS 1.3",
            _ => protocol.ToString(),
        };

        private static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture) + (count == 1 ? " byte" : " bytes");

        private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

        private string Within() => IsFinal ? "before the peer stopped" : $"within {Seconds(Waited)}";

        private string ErrorText() => Error == null ? string.Empty : $": {Error.GetType().Name}: {Error.Message}";
    }
}
