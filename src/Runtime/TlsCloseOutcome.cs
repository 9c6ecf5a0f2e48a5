namespace CloseNotify
{
    /// <summary>How a TLS close ended. Every value except <see cref="Clean"/> names something the peer or the
    /// transport did; none of them is an error of the caller, so none of them throws.</summary>
    public enum TlsCloseOutcome
    {
        /// <summary>Both close_notify alerts were exchanged: the peer's stream ended at a TLS close_notify.</summary>
        Clean = 0,

        /// <summary>The peer ended its stream, but the TLS layer does not say whether a close_notify came before the
        /// TCP close: <see cref="System.Net.Security.SslStream"/> returns 0 for both. Put a <see cref="TlsTransport"/>
        /// under the <see cref="System.Net.Security.SslStream"/> to get <see cref="Clean"/> or
        /// <see cref="PeerClosedWithoutCloseNotify"/> instead.</summary>
        EndOfStream,

        /// <summary>The peer closed the TCP connection without sending close_notify (a truncated TLS stream).</summary>
        PeerClosedWithoutCloseNotify,

        /// <summary>The peer did not end its stream within <see cref="TlsCloseOptions.DrainTimeout"/>.</summary>
        DrainTimedOut,

        /// <summary>The peer sent more than <see cref="TlsCloseOptions.MaxDrainBytes"/> after our close_notify.</summary>
        ByteLimitReached,

        /// <summary>The peer reset the connection (or the pipe broke) after our close_notify.</summary>
        PeerReset,

        /// <summary>The stream was already disposed before the close began. (A stream already shut down with
        /// <c>SslStream.ShutdownAsync()</c> is still drained: its outcome is the drain's.)</summary>
        AlreadyClosed,

        /// <summary>There was no TLS session to close: the stream was never authenticated, or is neither an
        /// <see cref="System.Net.Security.SslStream"/> nor a socket stream. It was disposed without a close_notify.</summary>
        NoSession,

        /// <summary>The running framework's <see cref="System.Net.Security.SslStream"/> cannot send close_notify: it has
        /// no public <c>ShutdownAsync</c> (.NET Framework 4.6.x, which runs the netstandard2.0 or net462 build of this
        /// library). The close sent a TCP FIN in its place, drained what the peer still sent until it closed, and
        /// disposed the stream (unless <see cref="TlsCloseOptions.LeaveOpen"/>), as a graceful close does; with no
        /// socket reachable there is nothing to drain, and it only disposed it. The peer sees a TCP close without
        /// close_notify. A drain that timed out, hit the byte limit or was reset reports that outcome instead.</summary>
        CloseNotifyUnsupported,
    }
}
