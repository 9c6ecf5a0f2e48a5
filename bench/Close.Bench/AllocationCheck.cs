using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace CloseNotify.Bench
{
    /// <summary>
    /// Bytes allocated per close (and, interleaved, the time of the two graceful closes), measured more steadily than the memory diagnoser can here: it measures one extra
    /// iteration (one pool of closes), and what SslStream and the shared array pool allocate moves that one number
    /// by a few hundred bytes. This closes <see cref="Rounds"/> pools per method (the first two not counted) and
    /// reports the median, with the same set-up and methods as the benchmark.
    /// </summary>
    internal static class AllocationCheck
    {
        private const int Rounds = 8;
        private const int Warmup = 2;

        public static void Run()
        {
            var benchmarks = new CloseBenchmarks();
            benchmarks.StartPeer();
            try
            {
                Console.WriteLine($"allocated per close, median of {Rounds - Warmup} pools of {CloseBenchmarks.ClosesPerIteration} closes:");
                Measure(nameof(CloseBenchmarks.Dispose), benchmarks.Connect, () => { benchmarks.Dispose(); return Task.CompletedTask; });
                Measure(nameof(CloseBenchmarks.HandWritten), benchmarks.Connect, benchmarks.HandWritten);
                Measure(nameof(CloseBenchmarks.GracefulAsync), benchmarks.Connect, benchmarks.GracefulAsync);
                Measure(nameof(CloseBenchmarks.GracefulAsyncOverTlsTransport), benchmarks.ConnectObserved, benchmarks.GracefulAsyncOverTlsTransport);
                Measure(nameof(CloseBenchmarks.HandWrittenConcurrent), benchmarks.Connect, benchmarks.HandWrittenConcurrent);
                Measure(nameof(CloseBenchmarks.GracefulAsyncConcurrent), benchmarks.Connect, benchmarks.GracefulAsyncConcurrent);
                Measure(nameof(CloseBenchmarks.Abort), benchmarks.Connect, () => { benchmarks.Abort(); return Task.CompletedTask; });
                Interleaved();
            }
            finally
            {
                benchmarks.StopPeer();
            }

            // Time, the two graceful closes alternated pool by pool (the order swapped every other pair), so that a
            // change in the machine's load over the run weighs on both alike.
            void Interleaved()
            {
                const int Pairs = 12;
                var hand = new List<double>();
                var graceful = new List<double>();
                for (var pair = 0; pair < Pairs; pair++)
                {
                    for (var half = 0; half < 2; half++)
                    {
                        var gracefulTurn = (half == 0) == (pair % 2 == 0);
                        benchmarks.Connect();
                        var stopwatch = Stopwatch.StartNew();
                        (gracefulTurn ? benchmarks.GracefulAsync() : benchmarks.HandWritten()).GetAwaiter().GetResult();
                        var microseconds = stopwatch.Elapsed.TotalMilliseconds * 1000 / CloseBenchmarks.ClosesPerIteration;
                        benchmarks.DisposeLeftovers();
                        if (pair > 0)
                        {
                            (gracefulTurn ? graceful : hand).Add(microseconds);
                        }
                    }
                }

                hand.Sort();
                graceful.Sort();
                var handMedian = hand[hand.Count / 2];
                var gracefulMedian = graceful[graceful.Count / 2];
                Console.WriteLine($"interleaved, median per close of {Pairs - 1} pools each: hand-written {handMedian:F1} us, graceful {gracefulMedian:F1} us, ratio {gracefulMedian / handMedian:F2}");
            }

            void Measure(string name, Action connect, Func<Task> close)
            {
                var perClose = new List<long>();
                for (var round = 0; round < Rounds; round++)
                {
                    connect();
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    close().GetAwaiter().GetResult();
                    var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    benchmarks.DisposeLeftovers();
                    if (round >= Warmup)
                    {
                        perClose.Add(allocated / CloseBenchmarks.ClosesPerIteration);
                    }
                }

                perClose.Sort();
                Console.WriteLine($"  {name}: {perClose[perClose.Count / 2]} B (min {perClose[0]}, max {perClose[^1]})");
            }
        }
    }
}
