using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CloseNotify
{
    /// <summary>The names of the <c>System.Diagnostics.Metrics</c> meter through which the runtime reports how closes
    /// end, for <c>dotnet-counters monitor --counters CloseNotify</c> and OpenTelemetry
    /// (<c>AddMeter(TlsCloseMetrics.MeterName)</c>).</summary>
    /// <remarks>
    /// <para>Every build publishes it: net8.0 through the framework's own <c>System.Diagnostics.DiagnosticSource</c>, the
    /// netstandard2.0, netstandard2.1, net462 and net472 builds through that package (8.0.1), the one dependency they have.</para>
    /// <para>Every measurement carries two tags: <see cref="MethodTag"/> (<c>graceful</c>, <c>notify</c>, <c>abort</c>,
    /// <c>openssl</c>) and <see cref="OutcomeTag"/> (the <see cref="TlsCloseOutcome"/> in snake case, such as
    /// <c>clean</c> or <c>drain_timed_out</c>; for Notify <c>sent</c> or <c>not_sent</c>; <c>aborted</c>;
    /// <c>cancelled</c>; <c>error</c> when a non-benign error was thrown, with <see cref="ErrorTypeTag"/> naming its type).
    /// With no listener, a close pays one check of a flag per instrument.</para>
    /// </remarks>
    public static class TlsCloseMetrics
    {
        /// <summary>The meter's name: <c>CloseNotify</c>.</summary>
        public const string MeterName = "CloseNotify";

        /// <summary>Counter of closes (unit <c>{close}</c>), tagged by method and outcome.</summary>
        public const string ClosesInstrument = "closenotify.tls.closes";

        /// <summary>Histogram of close durations in seconds (unit <c>s</c>), tagged by method and outcome: for a graceful
        /// close, from its start to the end of the drain.</summary>
        public const string DurationInstrument = "closenotify.tls.close.duration";

        /// <summary>Counter of application bytes drained and discarded after our close_notify (unit <c>By</c>), tagged by
        /// method and outcome.</summary>
        public const string DrainedInstrument = "closenotify.tls.close.drained";

        /// <summary>The tag naming the API that closed: <c>graceful</c> (<see cref="TlsClose.GracefulAsync"/> and
        /// <see cref="TlsClose.Graceful(System.IO.Stream, TlsCloseOptions?)"/>), <c>notify</c>, <c>abort</c>, <c>openssl</c>
        /// (<see cref="OpenSslShutdown"/>).</summary>
        public const string MethodTag = "closenotify.method";

        /// <summary>The tag naming how the close ended.</summary>
        public const string OutcomeTag = "closenotify.outcome";

        /// <summary>The tag naming the type of a non-benign error (outcome <c>error</c>), as OpenTelemetry's
        /// <c>error.type</c> convention asks.</summary>
        public const string ErrorTypeTag = "error.type";

        internal const string Graceful = "graceful";
        internal const string Notify = "notify";
        internal const string Abort = "abort";
        internal const string OpenSsl = "openssl";

        private static readonly string[] OutcomeNames =
        {
            "clean", "end_of_stream", "peer_closed_without_close_notify", "drain_timed_out", "byte_limit_reached",
            "peer_reset", "already_closed", "no_session", "close_notify_unsupported",
        };

        internal static string NameOf(TlsCloseOutcome outcome) => (uint)outcome < (uint)OutcomeNames.Length ? OutcomeNames[(int)outcome] : outcome.ToString();

        private static readonly Meter Meter = new Meter(MeterName, typeof(TlsCloseMetrics).Assembly.GetName().Version?.ToString(3));
        private static readonly Counter<long> Closes = Meter.CreateCounter<long>(ClosesInstrument, "{close}", "TLS closes, by method and outcome.");
        private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationInstrument, "s", "Duration of TLS closes.");
        private static readonly Counter<long> Drained = Meter.CreateCounter<long>(DrainedInstrument, "By", "Application bytes drained and discarded after our close_notify.");

        /// <summary>Whether anyone listens: a close that finds nobody skips its clock and its tags.</summary>
        internal static bool Enabled => Closes.Enabled || Duration.Enabled || Drained.Enabled;

        /// <summary>A timestamp for <see cref="Record(string, string, long)"/>, taken only when someone listens (0 otherwise).</summary>
        internal static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

        internal static void Record(string method, TlsCloseOutcome outcome, long bytesDrained, TimeSpan elapsed)
        {
            if (Enabled)
            {
                Publish(method, NameOf(outcome), null, bytesDrained, elapsed.TotalSeconds);
            }
        }

        /// <summary>Records a close timed by <see cref="Start"/>; one that began before anyone listened is counted without a duration.</summary>
        internal static void Record(string method, string outcome, long startTimestamp)
        {
            if (Enabled)
            {
                Publish(method, outcome, null, 0, startTimestamp == 0 ? -1 : CloseRun.ElapsedSince(startTimestamp).TotalSeconds);
            }
        }

        internal static void RecordError(string method, Exception error, long bytesDrained, TimeSpan elapsed)
        {
            if (Enabled)
            {
                var cancelled = error is OperationCanceledException;
                Publish(method, cancelled ? "cancelled" : "error", cancelled ? null : error.GetType().FullName, bytesDrained, elapsed.TotalSeconds);
            }
        }

        private static void Publish(string method, string outcome, string? errorType, long bytesDrained, double seconds)
        {
            var tags = new TagList { { MethodTag, method }, { OutcomeTag, outcome } };
            if (errorType != null)
            {
                tags.Add(ErrorTypeTag, errorType);
            }

            Closes.Add(1, tags);
            if (seconds >= 0)
            {
                Duration.Record(seconds, tags);
            }

            if (bytesDrained > 0)
            {
                Drained.Add(bytesDrained, tags);
            }
        }
    }
}
