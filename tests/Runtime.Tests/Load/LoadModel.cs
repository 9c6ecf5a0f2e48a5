using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace CloseNotify.Runtime.Tests.Load
{
    /// <summary>How a connection of the burst is closed.</summary>
    public enum CloseApi
    {
        /// <summary>The baseline a driver writes by hand: <c>await ssl.ShutdownAsync(); ssl.Dispose();</c>.</summary>
        HandWritten,
        GracefulAsync,
        Graceful,
        Notify,
        Abort,
    }

    /// <summary>What the peer does when our close arrives.</summary>
    public enum PeerBehaviour
    {
        /// <summary>Answers our close_notify with its own, then closes.</summary>
        Answers,

        /// <summary>Never answers and never closes.</summary>
        Silent,

        /// <summary>Keeps sending application data after our close_notify.</summary>
        KeepsSending,

        /// <summary>Resets the connection once our close_notify has arrived.</summary>
        Resets,

        /// <summary>Stopped reading before the close, with every buffer between us full: our close_notify cannot even be
        /// written (<c>ShutdownAsync</c> stays pending). Not in the benchmark's table: it is the worst case of
        /// <see cref="TlsClose.Notify(System.IO.Stream?)"/>'s bound, which the load test checks on a starved pool.</summary>
        StopsReading,
    }

    /// <summary>Which TLS implementation plays the peer.</summary>
    public enum PeerKind
    {
        /// <summary>.NET <c>SslStream</c>: the CloseNotify.Testing kit's <c>TlsPeer</c>, in a process of its own.</summary>
        DotNet,

        /// <summary><c>openssl s_server</c>, one process per connection (it serves one connection at a time).</summary>
        OpenSsl,
    }

    /// <summary>One close of the burst, as measured.</summary>
    public sealed class CloseRecord
    {
        public CloseRecord(int index, CloseApi api, PeerBehaviour behaviour)
        {
            Index = index;
            Api = api;
            Behaviour = behaviour;
        }

        public int Index { get; }

        public CloseApi Api { get; }

        public PeerBehaviour Behaviour { get; }

        /// <summary>From the burst's start to the moment a pool thread started this close (the queueing delay).</summary>
        public TimeSpan Queued { get; set; }

        /// <summary>From the call of the API to its return (for the async forms, the task's completion).</summary>
        public TimeSpan? Elapsed { get; set; }

        public bool Started { get; set; }

        public TlsCloseOutcome? Outcome { get; set; }

        /// <summary><see cref="TlsClose.Notify(System.IO.Stream?)"/>'s answer.</summary>
        public bool? Sent { get; set; }

        /// <summary>What the API threw (it escaped to the caller).</summary>
        public Exception? Escaped { get; set; }

        /// <summary>Whether the peer got every byte we sent before the close and then our close_notify; null when the
        /// peer cannot say (a paused or killed s_server).</summary>
        public bool? Delivered { get; set; }
    }

    /// <summary>The figures of a burst of closes (or of one group of it: one API, one peer behaviour).</summary>
    public sealed class LoadFigures
    {
        public LoadFigures(IReadOnlyList<CloseRecord> closes, TimeSpan total, int threadsBefore, int threadsPeak, int threadsAfter, TimeSpan? bound, TimeSpan slack)
        {
            Closes = closes;
            Total = total;
            ThreadsBefore = threadsBefore;
            ThreadsPeak = threadsPeak;
            ThreadsAfter = threadsAfter;
            Bound = bound;
            Slack = slack;
            var times = closes.Where(c => c.Elapsed.HasValue).Select(c => c.Elapsed!.Value).OrderBy(t => t).ToArray();
            P50 = Percentile(times, 0.50);
            P99 = Percentile(times, 0.99);
            Max = times.Length == 0 ? TimeSpan.Zero : times[^1];
        }

        public IReadOnlyList<CloseRecord> Closes { get; }

        /// <summary>From the burst's start until the last close of the group returned.</summary>
        public TimeSpan Total { get; }

        public TimeSpan P50 { get; }

        public TimeSpan P99 { get; }

        public TimeSpan Max { get; }

        /// <summary><see cref="System.Threading.ThreadPool.ThreadCount"/> before the burst, at its highest, and when the
        /// last close returned.</summary>
        public int ThreadsBefore { get; }

        public int ThreadsPeak { get; }

        public int ThreadsAfter { get; }

        /// <summary>The API's own bound (drain timeout, Notify's write timeout, none for the hand-written close).</summary>
        public TimeSpan? Bound { get; }

        public TimeSpan Slack { get; }

        /// <summary>Closes that took longer than their bound plus the slack.</summary>
        public int PastBound => Bound is { } bound ? Closes.Count(c => c.Elapsed > bound + Slack) : 0;

        /// <summary>Closes started that never returned (within the run's cap).</summary>
        public int Hung => Closes.Count(c => c.Started && c.Elapsed == null);

        /// <summary>Closes a pool thread never started (within the run's cap).</summary>
        public int NeverStarted => Closes.Count(c => !c.Started);

        public int Escaped => Closes.Count(c => c.Escaped != null);

        /// <summary>Closes whose peer said it did not get everything, then close_notify.</summary>
        public int Lost => Closes.Count(c => c.Delivered == false);

        /// <summary>Closes whose peer could say.</summary>
        public int Checked => Closes.Count(c => c.Delivered.HasValue);

        public IEnumerable<Exception> Escapes => Closes.Where(c => c.Escaped != null).Select(c => c.Escaped!);

        public string Outcomes => string.Join(", ", Closes.Where(c => c.Outcome.HasValue).GroupBy(c => c.Outcome!.Value).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()}")
            .Concat(Closes.Any(c => c.Sent.HasValue) ? new[] { $"sent {Closes.Count(c => c.Sent == true)}/{Closes.Count(c => c.Sent.HasValue)}" } : Array.Empty<string>()));

        public static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0.##", CultureInfo.InvariantCulture);

        public override string ToString() =>
            $"{Closes.Count} closes: all in {Ms(Total)} ms; p50 {Ms(P50)}, p99 {Ms(P99)}, max {Ms(Max)} ms; " +
            $"pool threads {ThreadsBefore} -> peak {ThreadsPeak} -> {ThreadsAfter}; past bound {PastBound}" +
            (Bound is { } b ? $" ({Ms(b)} + {Ms(Slack)} ms)" : " (none)") +
            $"; hung {Hung}; never started {NeverStarted}; escaped {Escaped}; lost {Lost}/{Checked}; {Outcomes}" +
            (Escaped > 0 ? $"; first escape: {Escapes.First().GetType().Name}: {Escapes.First().Message}" : string.Empty);

        private static TimeSpan Percentile(TimeSpan[] sorted, double p) =>
            sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
