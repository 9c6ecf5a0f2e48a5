using System;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Testing
{
    /// <summary>Every wait of the kit goes through here: a task, a timeout, a token; never a wait without a bound.</summary>
    internal static class Waits
    {
        /// <summary>True when <paramref name="task"/> completed within <paramref name="timeout"/>, false when the time ran
        /// out first; <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fired first.</summary>
        public static async Task<bool> WithinAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (task.IsCompleted)
            {
                return true;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = await Task.WhenAny(task, Task.Delay(timeout, linked.Token)).ConfigureAwait(false);
            linked.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return first == task;
        }

        /// <summary>Awaits <paramref name="task"/> within <paramref name="timeout"/>; a <see cref="TimeoutException"/>
        /// naming <paramref name="what"/> when the time runs out.</summary>
        public static async Task BoundedAsync(Task task, TimeSpan timeout, string what, CancellationToken cancellationToken)
        {
            if (!await WithinAsync(task, timeout, cancellationToken).ConfigureAwait(false))
            {
                throw new TimeoutException($"{what} did not finish within {timeout.TotalSeconds:0.###} s.");
            }

            await task.ConfigureAwait(false);
        }

        /// <summary>Checks a caller's timeout: positive and finite, so that every wait ends.</summary>
        public static TimeSpan Check(TimeSpan? timeout, TimeSpan fallback, string name)
        {
            var value = timeout ?? fallback;
            if (value <= TimeSpan.Zero || value.TotalMilliseconds >= int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(name, value, "A timeout must be positive and finite.");
            }

            return value;
        }

        /// <summary>A task that completes once, with its continuations off the thread that completes it.</summary>
        public static TaskCompletionSource<bool> Signal() => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
