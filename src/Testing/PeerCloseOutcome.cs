namespace CloseNotify.Testing
{
    /// <summary>How the other side (the driver under test) ended the connection, as a <see cref="TlsPeer"/> saw it on
    /// the wire.</summary>
    public enum PeerCloseOutcome
    {
        /// <summary>No connection came (server role), or none could be made (client role), within the timeout.</summary>
        NotConnected,

        /// <summary>The TLS handshake failed (for instance, the driver did not trust the peer's certificate).</summary>
        HandshakeFailed,

        /// <summary>Still open when the wait ended: no close_notify, no FIN, no reset.</summary>
        Open,

        /// <summary>close_notify arrived, but the TCP connection was still open when the wait ended (or when the peer
        /// itself closed, see <see cref="PeerCloseReport.PeerEndedConnection"/>).</summary>
        CloseNotifyOnly,

        /// <summary>close_notify, then a FIN: the graceful close.</summary>
        CloseNotifyThenFin,

        /// <summary>close_notify, then a reset (the driver closed its socket with unread data, or aborted).</summary>
        CloseNotifyThenReset,

        /// <summary>A FIN without close_notify: a truncation (the peer cannot tell a finished stream from a cut one).
        /// What <c>SslStream.Dispose()</c> alone sends.</summary>
        FinWithoutCloseNotify,

        /// <summary>A reset without close_notify: an abort.</summary>
        ResetWithoutCloseNotify,

        /// <summary>A TLS error ended the connection (a record that did not decrypt, a fatal alert).</summary>
        ProtocolError,
    }
}
