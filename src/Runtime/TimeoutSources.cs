using System;
using System.Threading;

namespace CloseNotify
{
    /// <summary>Reuses the cancellation source that bounds a close, so that a close allocates no timer of its own
    /// in the common case (one close at a time per process slot).</summary>
    internal static class TimeoutSources
    {
#if NET6_0_OR_GREATER
        private static CancellationTokenSource? cached;
#endif

        public static CancellationTokenSource Rent(TimeSpan timeout)
        {
#if NET6_0_OR_GREATER
            var source = Interlocked.Exchange(ref cached, null) ?? new CancellationTokenSource();
#else
            var source = new CancellationTokenSource();
#endif
            source.CancelAfter(timeout);
            return source;
        }

        public static void Return(CancellationTokenSource source)
        {
#if NET6_0_OR_GREATER
            // TryReset fails once the source fired; a fired source cannot be reused.
            if (source.TryReset() && Interlocked.CompareExchange(ref cached, source, null) == null)
            {
                return;
            }
#endif
            source.Dispose();
        }
    }
}
