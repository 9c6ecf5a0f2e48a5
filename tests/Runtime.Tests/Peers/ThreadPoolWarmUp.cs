using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CloseNotify.Runtime.Tests.Peers
{
    internal static class ThreadPoolWarmUp
    {
        // Measured: on 2 cores the test host starts with 2 pool threads and keeps some of them blocked, so a timer
        // callback (the drain deadline) or a peer's continuation could wait ~500 ms for the pool to inject a thread,
        // and that wait was measured as drain time. Enough threads from the start keep the timing assertions about
        // the code under test.
        [ModuleInitializer]
        internal static void Initialize()
        {
            ThreadPool.GetMinThreads(out var workers, out var ports);
            ThreadPool.SetMinThreads(Math.Max(workers, 32), ports);
        }
    }
}
