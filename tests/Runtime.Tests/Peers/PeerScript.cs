using System;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>What the scripted peer does once it sees the end of our stream (our close_notify, or our FIN).</summary>
    public enum PeerClose
    {
        /// <summary>Answers with its own close_notify (SslStream.ShutdownAsync), then closes TCP.</summary>
        AnswerCloseNotify,

        /// <summary>Closes TCP (FIN) without a close_notify.</summary>
        CloseWithoutCloseNotify,

        /// <summary>Resets the connection (linger 0, RST).</summary>
        Reset,

        /// <summary>Sends <see cref="PeerScript.DataBytes"/> bytes of application data, then close_notify, then FIN.</summary>
        SendDataThenCloseNotify,

        /// <summary>Keeps the connection open and sends nothing until the test ends.</summary>
        NeverAnswer,

        /// <summary>Sends <see cref="PeerScript.ChunkBytes"/> every <see cref="PeerScript.Interval"/> (zero: as fast as
        /// the connection takes them) until the connection breaks or the test ends.</summary>
        Trickle,
    }

    /// <summary>The close behaviour of a scripted peer.</summary>
    public sealed record PeerScript(PeerClose Close, int DataBytes = 0, int ChunkBytes = 64, TimeSpan Interval = default)
    {
        public static PeerScript Answer { get; } = new PeerScript(PeerClose.AnswerCloseNotify);

        public static PeerScript Silent { get; } = new PeerScript(PeerClose.NeverAnswer);
    }

    /// <summary>What the scripted peer observed and did.</summary>
    public sealed class PeerReport
    {
        /// <summary>The peer's reads ended with 0 (our close_notify or our FIN).</summary>
        public bool SawEnd { get; set; }

        /// <summary>The peer's reads ended with 0 while its transport had not ended: our close_notify arrived.</summary>
        public bool SawCloseNotify { get; set; }

        /// <summary>The error that ended the peer's reads (for instance our reset), if any.</summary>
        public Exception? ReadError { get; set; }

        /// <summary>The error that ended the peer's writes, if any.</summary>
        public Exception? WriteError { get; set; }

        /// <summary>Application bytes the peer sent after it saw our end.</summary>
        public long BytesSent { get; set; }

        public override string ToString() =>
            $"SawEnd={SawEnd} SawCloseNotify={SawCloseNotify} BytesSent={BytesSent} ReadError={ReadError?.GetType().Name}: {ReadError?.Message} WriteError={WriteError?.GetType().Name}: {WriteError?.Message}";
    }
}
