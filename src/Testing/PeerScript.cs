using System;

namespace CloseNotify.Testing
{
    /// <summary>What the peer does on its own once the handshake is done, before the other side closes.</summary>
    public enum PeerOpening
    {
        /// <summary>Nothing: it reads what the other side sends and waits for it to close (the default).</summary>
        Wait,

        /// <summary>Closes first: sends close_notify, then a FIN (it keeps reading, to see how the other side answers).</summary>
        CloseNotifyFirst,

        /// <summary>Closes the TCP connection's write side (a FIN) without close_notify: a truncation the other side
        /// should notice. It keeps reading.</summary>
        FinWithoutCloseNotify,

        /// <summary>Resets the connection (RST), with no close_notify.</summary>
        Reset,

        /// <summary>Sends an application-data record cut in the middle, then a FIN: the other side's read must fail,
        /// not end quietly. It keeps reading.</summary>
        TruncatedRecord,

        /// <summary>Stops reading (a peer stuck in its own work): what the other side sends piles up in the socket
        /// buffers until its writes block, and its close_notify is never read, so never answered.</summary>
        StopReading,
    }

    /// <summary>How the peer answers the other side's close: its close_notify, or a FIN without one (after the data of
    /// <see cref="PeerScript.SendAfterCloseNotify"/>, if any). A reset or a TLS error gets no answer.</summary>
    public enum PeerReply
    {
        /// <summary>Sends its own close_notify, then a FIN, and reads until the other side closes (the default).</summary>
        CloseNotify,

        /// <summary>Sends a FIN without close_notify (its reads go on).</summary>
        Fin,

        /// <summary>Resets the connection.</summary>
        Reset,

        /// <summary>Stays silent: no close_notify, no FIN, until the other side closes or the peer is disposed. A
        /// driver whose drain is not bounded waits forever here.</summary>
        Silent,
    }

    /// <summary>The scripted behaviour of a <see cref="TlsPeer"/>: what it does after the handshake, and how it answers
    /// the other side's close (close_notify, or a bare FIN). Set it in <see cref="TlsPeerOptions.Script"/>, or on <see cref="TlsPeer.Script"/>
    /// any time before the other side closes.</summary>
    public sealed class PeerScript
    {
        /// <summary>The default: wait, then answer close_notify with close_notify and a FIN.</summary>
        public static PeerScript Answer => new PeerScript();

        /// <summary>Never answers close_notify and never closes (a peer stuck in its own work).</summary>
        public static PeerScript Silent => new PeerScript { Reply = PeerReply.Silent };

        /// <summary>Sends close_notify first, right after the handshake.</summary>
        public static PeerScript CloseFirst => new PeerScript { Opening = PeerOpening.CloseNotifyFirst };

        /// <summary>What the peer does after the handshake (after <see cref="OpeningDelay"/>).</summary>
        public PeerOpening Opening { get; set; } = PeerOpening.Wait;

        /// <summary>How long the peer waits after the handshake before its <see cref="Opening"/>. A client peer's TLS 1.3
        /// handshake ends before the server's (which still needs the client's Finished): give an opening that ends the
        /// connection a short delay (100-200 ms on loopback), or it may reach the driver's server inside its handshake.</summary>
        public TimeSpan OpeningDelay { get; set; }

        /// <summary>How the peer answers the other side's close (close_notify, or a FIN without one).</summary>
        public PeerReply Reply { get; set; } = PeerReply.CloseNotify;

        /// <summary>How long the peer waits after the other side's close before it answers (data included).</summary>
        public TimeSpan ReplyDelay { get; set; }

        /// <summary>Application bytes the peer sends after the other side's close (close_notify or FIN) and before its
        /// <see cref="Reply"/> (legal in TLS 1.3, a half-close; TLS 1.2 peers tolerate it): 0 for none, -1 to keep
        /// sending until the connection breaks or the peer is disposed (the reply then never comes).</summary>
        public long SendAfterCloseNotify { get; set; }

        /// <summary>The size of each write of <see cref="SendAfterCloseNotify"/> (default 16 KiB, one TLS record).</summary>
        public int ChunkSize { get; set; } = 16 * 1024;

        /// <summary>The pause between two writes of <see cref="SendAfterCloseNotify"/> (zero: as fast as the connection takes them).</summary>
        public TimeSpan ChunkInterval { get; set; }

        /// <summary>A copy, so that a shared preset is never changed through a peer.</summary>
        /// <returns>The copy.</returns>
        public PeerScript Clone() => (PeerScript)MemberwiseClone();

        /// <summary>Describes the script in words, for test output.</summary>
        /// <returns>The description.</returns>
        public override string ToString() =>
            $"opening {Opening} after {OpeningDelay.TotalMilliseconds:0} ms; on close_notify: {(SendAfterCloseNotify == 0 ? string.Empty : SendAfterCloseNotify < 0 ? "send without end, " : $"send {SendAfterCloseNotify} bytes, ")}reply {Reply} after {ReplyDelay.TotalMilliseconds:0} ms";

        internal void Validate()
        {
            if (ChunkSize <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "The chunk size must be positive.");
            }

            if (SendAfterCloseNotify < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(SendAfterCloseNotify), SendAfterCloseNotify, "A byte count, or -1 for no end.");
            }

            if (OpeningDelay < TimeSpan.Zero || ReplyDelay < TimeSpan.Zero || ChunkInterval < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(OpeningDelay), "Delays cannot be negative.");
            }
        }
    }
}
