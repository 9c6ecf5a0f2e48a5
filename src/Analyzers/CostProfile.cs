using System.Diagnostics;
#if COST_PROFILE
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
#endif

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Where a rule's time goes (issue 28, docs/cost.md): stopwatch counters per phase, compiled only into a profiling
    /// build (<c>dotnet build -p:CostProfile=true</c> defines COST_PROFILE) and printed through the TLS004 debug trace at
    /// the end of each compilation, which the cost harness shows with COST_TRACE=1. In every other build the calls
    /// below are removed by the compiler, their arguments with them (<see cref="ConditionalAttribute"/>).
    /// </summary>
    internal static class CostProfile
    {
#if COST_PROFILE
        private static readonly ConcurrentDictionary<string, long[]> Phases = new ConcurrentDictionary<string, long[]>();
#endif

        [Conditional("COST_PROFILE")]
        public static void Start(ref long stamp) => stamp = Stopwatch.GetTimestamp();

        /// <summary>Adds the time since <paramref name="stamp"/> to <paramref name="phase"/>, and counts one call.</summary>
        [Conditional("COST_PROFILE")]
        public static void Stop(string phase, long stamp)
        {
#if COST_PROFILE
            var elapsed = Stopwatch.GetTimestamp() - stamp;
            var slot = Phases.GetOrAdd(phase, _ => new long[2]);
            Interlocked.Add(ref slot[0], elapsed);
            Interlocked.Increment(ref slot[1]);
#endif
        }

        /// <summary>Counts one event of <paramref name="phase"/> without timing it.</summary>
        [Conditional("COST_PROFILE")]
        public static void Count(string phase)
        {
#if COST_PROFILE
            Interlocked.Increment(ref Phases.GetOrAdd(phase, _ => new long[2])[1]);
#endif
        }

        /// <summary>Prints every phase counted since the last flush (ms, calls), then starts again.</summary>
        [Conditional("COST_PROFILE")]
        public static void Flush(string title)
        {
#if COST_PROFILE
            var lines = Phases.OrderBy(p => p.Key, System.StringComparer.Ordinal)
                .Select(p => $"{p.Key} {p.Value[0] * 1000.0 / Stopwatch.Frequency:F1} ms / {p.Value[1]}");
            Paths.DebugTrace.Write($"profile {title}: {string.Join("; ", lines)}");
            Phases.Clear();
#endif
        }
    }
}
