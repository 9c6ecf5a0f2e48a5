using System;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>Every wait of the tests goes through here: a hang becomes a <see cref="TimeoutException"/> (a failure),
    /// never a test that runs until the runner gives up.</summary>
    public static class Bounded
    {
        /// <summary>The longest any single step of a loopback test may take.</summary>
        public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

        public static Task Wait(Task task, TimeSpan? limit = null) => task.WaitAsync(limit ?? Step);

        public static Task<T> Wait<T>(Task<T> task, TimeSpan? limit = null) => task.WaitAsync(limit ?? Step);

        public static Task<T> Wait<T>(ValueTask<T> task, TimeSpan? limit = null) => task.AsTask().WaitAsync(limit ?? Step);

        /// <summary>Runs a blocking call on a thread of its own (the thread pool stays free for the peer) and bounds it.</summary>
        public static Task<T> OnThread<T>(Func<T> blocking, TimeSpan? limit = null) =>
            Task.Factory.StartNew(blocking, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(limit ?? Step);

        /// <summary>Runs an action and returns what it threw (null when it did not), bounded.</summary>
        public static async Task<Exception?> Catch(Func<Task> action, TimeSpan? limit = null)
        {
            try
            {
                await action().WaitAsync(limit ?? Step);
                return null;
            }
            catch (TimeoutException)
            {
                throw;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }
}
