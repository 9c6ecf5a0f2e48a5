namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// What may be true of each tracked stream at one point of a method: one bit per stream.
    /// <see cref="Open"/>: on some path it was authenticated or carried data and has not been closed
    /// (a may-fact, joined with OR). <see cref="Closed"/>: on every path a TLS close has been started
    /// (a must-fact, joined with AND), so the reads of a drain after it do not reopen the stream.
    /// </summary>
    internal readonly struct StreamState
    {
        public StreamState(ulong open, ulong closed)
        {
            Open = open;
            Closed = closed;
        }

        public ulong Open { get; }

        public ulong Closed { get; }

        public bool IsOpen(int entity) => (Open & Bit(entity)) != 0;

        /// <summary>Authenticated, read or written: open, except for the names on which a close was started (a drain).</summary>
        public StreamState Use(ulong names) => new StreamState(Open | (names & ~Closed), Closed);

        public StreamState Close(ulong names) => new StreamState(Open & ~names, Closed | names);

        public StreamState Dispose(ulong names) => new StreamState(Open & ~names, Closed);

        /// <summary>The handshake of these names failed (the path of a timeout or a faulted task): nothing is owed.</summary>
        public StreamState Fail(ulong names) => new StreamState(Open & ~names, Closed);

        /// <summary>The names hold no TLS stream (any more): assigned, or tested null.</summary>
        public StreamState Reset(ulong names) => new StreamState(Open & ~names, Closed & ~names);

        public StreamState Reset(int entity) => Reset(Bit(entity));

        /// <summary><c>to = from</c>: the target now holds the source's stream, in the source's state.</summary>
        public StreamState Copy(int from, int to)
        {
            var open = (Open & ~Bit(to)) | (((Open >> from) & 1UL) << to);
            var closed = (Closed & ~Bit(to)) | (((Closed >> from) & 1UL) << to);
            return new StreamState(open, closed);
        }

        /// <summary>Joins two paths; null stands for a path that cannot reach this point.</summary>
        public static StreamState? Join(StreamState? a, StreamState? b)
        {
            if (a == null)
            {
                return b;
            }

            if (b == null)
            {
                return a;
            }

            return new StreamState(a.Value.Open | b.Value.Open, a.Value.Closed & b.Value.Closed);
        }

        public static bool AreEqual(StreamState? a, StreamState? b) =>
            a.HasValue == b.HasValue && (!a.HasValue || (a.Value.Open == b!.Value.Open && a.Value.Closed == b.Value.Closed));

        private static ulong Bit(int entity) => 1UL << entity;
    }
}
