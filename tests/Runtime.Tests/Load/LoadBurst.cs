using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Load
{
    /// <summary>Closes every connection at once, each from a thread-pool work item queued in one go, and measures each
    /// close, the pool's thread count (sampled every 5 ms on a thread of its own) and what escaped. The run stops by
    /// itself: after <see cref="Cap"/> the connections still open are disposed, and what had not returned is counted
    /// as hung (or never started).</summary>
    public sealed class LoadBurst
    {
        public TlsCloseOptions Options { get; init; } = new TlsCloseOptions();

        public TimeSpan NotifyTimeout { get; init; } = TlsClose.DefaultNotifyTimeout;

        public TimeSpan Cap { get; init; } = TimeSpan.FromSeconds(60);

        /// <summary>Work items queued before the closes that hold their pool thread until every close has returned: a
        /// pool already starved by the application when the burst comes.</summary>
        public int Blockers { get; init; }

        /// <summary>The bound each API promises, which <see cref="LoadFigures.PastBound"/> checks; null for none.</summary>
        public TimeSpan? BoundOf(CloseApi api) => api switch
        {
            CloseApi.GracefulAsync or CloseApi.Graceful => Options.DrainTimeout,
            CloseApi.Notify => NotifyTimeout,
            CloseApi.Abort => TimeSpan.Zero,
            _ => null,
        };

        /// <summary>Runs the burst; <paramref name="started"/> is called once every close is queued (a peer that resets
        /// starts its countdown there).</summary>
        public async Task<LoadBurstResult> RunAsync(IReadOnlyList<LoadConnection> connections, Action? started = null)
        {
            var records = connections.Select((c, i) => new CloseRecord(i, c.Api, c.Behaviour)).ToArray();
            var left = records.Length;
            var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sampler = new ThreadSampler();
            var threadsBefore = ThreadPool.ThreadCount;
            using var release = new ManualResetEventSlim();
            for (var i = 0; i < Blockers; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(r => r.Wait(), release, preferLocal: false);
            }

            var begin = Stopwatch.GetTimestamp();

            void Done(CloseRecord record, long callStart)
            {
                record.Elapsed = Stopwatch.GetElapsedTime(callStart);
                if (Interlocked.Decrement(ref left) == 0)
                {
                    allDone.TrySetResult();
                }
            }

            for (var i = 0; i < records.Length; i++)
            {
                var record = records[i];
                var ssl = connections[i].Ours;
                ThreadPool.UnsafeQueueUserWorkItem(_ => Close(record, ssl, begin, Done), null);
            }

            started?.Invoke();
            if (records.Length == 0)
            {
                allDone.TrySetResult();
            }

            var finished = await Task.WhenAny(allDone.Task, Task.Delay(Cap)).ConfigureAwait(false) == allDone.Task;
            var total = Stopwatch.GetElapsedTime(begin);
            var threadsAfter = ThreadPool.ThreadCount;
            var peak = sampler.Stop();
            release.Set();
            if (!finished)
            {
                // What is still pending ends when its stream goes; give the stragglers a moment so that their threads return.
                foreach (var connection in connections)
                {
                    connection.Dispose();
                }

                await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
            }

            return new LoadBurstResult(records, total, threadsBefore, Math.Max(peak, threadsAfter), threadsAfter);
        }

        private void Close(CloseRecord record, SslStream ssl, long begin, Action<CloseRecord, long> done)
        {
            record.Queued = Stopwatch.GetElapsedTime(begin);
            record.Started = true;
            var callStart = Stopwatch.GetTimestamp();
            try
            {
                switch (record.Api)
                {
                    case CloseApi.HandWritten:
                        Observe(HandWrittenAsync(ssl), record, callStart, done);
                        return;
                    case CloseApi.GracefulAsync:
                        Observe(TlsClose.GracefulAsync(ssl, Options), record, callStart, done);
                        return;
                    case CloseApi.Graceful:
                        record.Outcome = TlsClose.Graceful(ssl, Options).Outcome;
                        break;
                    case CloseApi.Notify:
                        record.Sent = TlsClose.Notify(ssl, NotifyTimeout);
                        break;
                    case CloseApi.Abort:
                        TlsClose.Abort(ssl);
                        break;
                }
            }
            catch (Exception e)
            {
                record.Escaped = e;
            }

            done(record, callStart);
        }

        private static void Observe(Task task, CloseRecord record, long callStart, Action<CloseRecord, long> done) =>
            task.ContinueWith(
                t =>
                {
                    if (t.Exception != null)
                    {
                        record.Escaped = t.Exception.InnerExceptions.Count == 1 ? t.Exception.InnerException : t.Exception;
                    }
                    else if (t is Task<TlsCloseResult> graceful)
                    {
                        record.Outcome = graceful.Result.Outcome;
                    }

                    done(record, callStart);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

        /// <summary>The close a driver writes by hand, the baseline of every ratio.</summary>
        private static async Task HandWrittenAsync(SslStream ssl)
        {
            await ssl.ShutdownAsync().ConfigureAwait(false);
            ssl.Dispose();
        }

        /// <summary>The highest <see cref="ThreadPool.ThreadCount"/> seen, sampled on a thread outside the pool.</summary>
        private sealed class ThreadSampler : IDisposable
        {
            private readonly Thread thread;
            private volatile bool stop;
            private int peak;

            public ThreadSampler()
            {
                peak = ThreadPool.ThreadCount;
                thread = new Thread(() =>
                {
                    while (!stop)
                    {
                        var count = ThreadPool.ThreadCount;
                        if (count > Volatile.Read(ref peak))
                        {
                            Volatile.Write(ref peak, count);
                        }

                        Thread.Sleep(5);
                    }
                })
                { IsBackground = true, Name = "load thread sampler" };
                thread.Start();
            }

            public int Stop()
            {
                stop = true;
                thread.Join();
                return peak;
            }

            public void Dispose() => stop = true;
        }
    }

    /// <summary>Every close of a burst, and the burst's clock and threads.</summary>
    public sealed class LoadBurstResult
    {
        public LoadBurstResult(IReadOnlyList<CloseRecord> closes, TimeSpan total, int threadsBefore, int threadsPeak, int threadsAfter)
        {
            Closes = closes;
            Total = total;
            ThreadsBefore = threadsBefore;
            ThreadsPeak = threadsPeak;
            ThreadsAfter = threadsAfter;
        }

        public IReadOnlyList<CloseRecord> Closes { get; }

        public TimeSpan Total { get; }

        public int ThreadsBefore { get; }

        public int ThreadsPeak { get; }

        public int ThreadsAfter { get; }

        /// <summary>The figures of the closes that <paramref name="select"/> picks; their "all closed" time is when the
        /// last of them returned.</summary>
        public LoadFigures Figures(Func<CloseRecord, bool> select, TimeSpan? bound, TimeSpan slack)
        {
            var group = Closes.Where(select).ToArray();
            var last = group.Where(c => c.Elapsed.HasValue).Select(c => c.Queued + c.Elapsed!.Value).DefaultIfEmpty(Total).Max();
            var total = group.Any(c => c.Elapsed == null) ? Total : last;
            return new LoadFigures(group, total, ThreadsBefore, ThreadsPeak, ThreadsAfter, bound, slack);
        }
    }
}
