using System;

namespace CloseNotify
{
    /// <summary>How a TLS close ended, what it drained and how long it took.</summary>
    public readonly struct TlsCloseResult : IEquatable<TlsCloseResult>
    {
        /// <summary>Creates a result.</summary>
        /// <param name="outcome">How the close ended.</param>
        /// <param name="bytesDrained">Application bytes read and discarded after our close_notify.</param>
        /// <param name="elapsed">Time from the start of the close to its end.</param>
        /// <param name="benignError">The benign error that ended the close, if one did.</param>
        public TlsCloseResult(TlsCloseOutcome outcome, long bytesDrained, TimeSpan elapsed, Exception? benignError)
        {
            Outcome = outcome;
            BytesDrained = bytesDrained;
            Elapsed = elapsed;
            BenignError = benignError;
        }

        /// <summary>How the close ended.</summary>
        public TlsCloseOutcome Outcome { get; }

        /// <summary>Application bytes the peer sent after our close_notify, read and discarded by the drain.</summary>
        public long BytesDrained { get; }

        /// <summary>Time from the start of the close to its end.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>The benign error that ended the close (a reset, an end of stream inside a TLS record, the
        /// stream already disposed), kept for logging; null when the close ended without one.</summary>
        public Exception? BenignError { get; }

        /// <summary>True when both sides exchanged close_notify (<see cref="TlsCloseOutcome.Clean"/>).</summary>
        public bool IsClean => Outcome == TlsCloseOutcome.Clean;

        /// <inheritdoc />
        public bool Equals(TlsCloseResult other) =>
            Outcome == other.Outcome && BytesDrained == other.BytesDrained && Elapsed == other.Elapsed && Equals(BenignError, other.BenignError);

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is TlsCloseResult other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode()
        {
            // By hand: System.HashCode is not in netstandard2.0 or .NET Framework, and the runtime takes no package for it.
            unchecked
            {
                var hash = (int)Outcome;
                hash = (hash * 397) ^ BytesDrained.GetHashCode();
                hash = (hash * 397) ^ Elapsed.GetHashCode();
                return (hash * 397) ^ (BenignError?.GetHashCode() ?? 0);
            }
        }

        /// <summary>Compares two results.</summary>
        public static bool operator ==(TlsCloseResult left, TlsCloseResult right) => left.Equals(right);

        /// <summary>Compares two results.</summary>
        public static bool operator !=(TlsCloseResult left, TlsCloseResult right) => !left.Equals(right);

        /// <inheritdoc />
        public override string ToString() =>
            BenignError == null
                ? $"{Outcome}, {BytesDrained} bytes drained in {Elapsed.TotalMilliseconds:0.#} ms"
                : $"{Outcome}, {BytesDrained} bytes drained in {Elapsed.TotalMilliseconds:0.#} ms ({BenignError.GetType().Name}: {BenignError.Message})";
    }
}
