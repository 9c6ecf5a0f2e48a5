using System;
using System.Threading;

namespace CloseNotify
{
    /// <summary>Reuses the cancellation sources that bound closes, so that a close allocates no timer of its own:
    /// a few slots per core, each taken and given back with one interlocked exchange.</summary>
    internal static class TimeoutSources
    {
#if NET6_0_OR_GREATER
        private static readonly CancellationTokenSource?[] Slots = new CancellationTokenSource?[Math.Max(4, 2 * Environment.ProcessorCount)];

        public static CancellationTokenSource Rent(TimeSpan timeout)
        {
            var source = Take() ?? new CancellationTokenSource();
#else
        public static CancellationTokenSource Rent(TimeSpan timeout)
        {
            var source = new CancellationTokenSource();
#endif
            source.CancelAfter(timeout);
            return source;
        }

        public static void Return(CancellationTokenSource source)
        {
#if NET6_0_OR_GREATER
            // TryReset fails once the source fired; a fired source cannot be reused.
            if (source.TryReset())
            {
                for (var i = 0; i < Slots.Length; i++)
                {
                    if (Interlocked.CompareExchange(ref Slots[i], source, null) == null)
                    {
                        return;
                    }
                }
            }
#endif
            source.Dispose();
        }
#if NET6_0_OR_GREATER

        private static CancellationTokenSource? Take()
        {
            // Start at a slot picked by the thread so that concurrent closes mostly touch different slots.
            var start = Environment.CurrentManagedThreadId % Slots.Length;
            for (var i = 0; i < Slots.Length; i++)
            {
                if (Interlocked.Exchange(ref Slots[(start + i) % Slots.Length], null) is { } source)
                {
                    return source;
                }
            }

            return null;
        }
#endif
    }
}
