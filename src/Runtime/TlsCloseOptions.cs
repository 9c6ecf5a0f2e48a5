using System;

namespace CloseNotify
{
    /// <summary>Bounds and ownership for a graceful TLS close.</summary>
    public sealed class TlsCloseOptions
    {
        /// <summary>The default drain timeout: 2 seconds. A healthy peer answers a close_notify within one round
        /// trip; two seconds covers several round trips on slow links while keeping a stuck peer from holding a
        /// connection (and a pooled socket) for long.</summary>
        public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(2);

        /// <summary>The default drain byte limit: 1 MiB. Enough for a response that was in flight when the close
        /// began; past it an abort is cheaper than reading and decrypting bytes nobody wants.</summary>
        public const long DefaultMaxDrainBytes = 1024 * 1024;

        private TimeSpan drainTimeout = DefaultDrainTimeout;
        private long maxDrainBytes = DefaultMaxDrainBytes;

        /// <summary>The options used when none are given: <see cref="DefaultDrainTimeout"/>,
        /// <see cref="DefaultMaxDrainBytes"/>, and the stream disposed at the end.</summary>
        public static TlsCloseOptions Default { get; } = new TlsCloseOptions();

        /// <summary>How long the whole close may take: sending close_notify, then reading and discarding what the
        /// peer still sends until it closes. Must be positive; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
        /// is refused, because an unbounded close is what this library exists to prevent.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative or longer than
        /// <see cref="int.MaxValue"/> milliseconds.</exception>
        public TimeSpan DrainTimeout
        {
            get => drainTimeout;
            set
            {
                if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The drain timeout must be positive and at most int.MaxValue milliseconds.");
                }

                drainTimeout = value;
            }
        }

        /// <summary>How many bytes of application data the drain reads and discards at most before it gives up
        /// with <see cref="TlsCloseOutcome.ByteLimitReached"/>. Zero means no data is accepted after close_notify.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
        public long MaxDrainBytes
        {
            get => maxDrainBytes;
            set
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The drain byte limit cannot be negative.");
                }

                maxDrainBytes = value;
            }
        }

        /// <summary>When true the stream is not disposed at the end of a close that went well (the caller owns it).
        /// A close that timed out, hit the byte limit or saw a reset always disposes: the stream is no longer usable.</summary>
        public bool LeaveOpen { get; set; }
    }
}
