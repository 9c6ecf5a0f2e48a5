using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify
{
    /// <summary>Waits for a socket descriptor to become readable or writable without holding a thread per wait: one
    /// epoll instance and one background thread serve every wait of the process (Linux). Each wait registers the
    /// descriptor one-shot, and removes it again before its task completes, so the descriptor is never left registered
    /// once the caller may close it.</summary>
    internal static class SocketReadiness
    {
        private static readonly Lazy<Reactor?> Shared = new Lazy<Reactor?>(Reactor.TryCreate, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>Whether this process can wait through epoll (Linux, .NET Core or later).</summary>
        public static bool IsSupported => Shared.Value != null;

        public static Task<bool> WaitAsync(int fd, bool forWrite, TimeSpan timeout, CancellationToken cancellationToken) =>
            Shared.Value!.WaitAsync(fd, forWrite, timeout, cancellationToken);

        private sealed unsafe class Reactor
        {
            private const int CloseOnExec = 0x80000;
            private const int Add = 1;
            private const int Remove = 2;
            private const int Modify = 3;
            private const uint In = 0x001;
            private const uint Out = 0x004;
            private const uint OneShot = 1u << 30;
            private const int Interrupted = 4;
            private const int Exists = 17;
            private const int MaxEvents = 64;

            // struct epoll_event is packed on x86 and x86-64 (12 bytes, data at 4), naturally aligned elsewhere (16, at 8).
#if NETFRAMEWORK
            private static readonly bool Packed = true; // unused: .NET Framework has no epoll (net462 lacks RuntimeInformation)
#else
            private static readonly bool Packed = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
#endif
            private static readonly int EventSize = Packed ? 12 : 16;
            private static readonly int DataOffset = Packed ? 4 : 8;

            private readonly int epoll;
            private readonly ConcurrentDictionary<long, Waiter> waiters = new ConcurrentDictionary<long, Waiter>();
            private long nextId;

            private Reactor(int epoll)
            {
                this.epoll = epoll;
                new Thread(Run) { IsBackground = true, Name = "CloseNotify socket readiness" }.Start();
            }

            public static Reactor? TryCreate()
            {
#if NETFRAMEWORK
                return null; // Windows: no epoll
#else
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    return null;
                }

                try
                {
                    var epoll = epoll_create1(CloseOnExec);
                    return epoll >= 0 ? new Reactor(epoll) : null;
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                    return null;
                }
#endif
            }

            public Task<bool> WaitAsync(int fd, bool forWrite, TimeSpan timeout, CancellationToken cancellationToken)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return Task.FromCanceled<bool>(cancellationToken);
                }

                if (timeout <= TimeSpan.Zero)
                {
                    return Task.FromResult(false);
                }

                var waiter = new Waiter(this, fd, Interlocked.Increment(ref nextId), cancellationToken);
                waiters[waiter.Id] = waiter;
                if (!Control(Add, fd, (forWrite ? Out : In) | OneShot, waiter.Id))
                {
                    // Not a pollable descriptor, or closed: the next OpenSSL call reports what is wrong with it.
                    waiter.Complete(true);
                    return waiter.Task;
                }

                waiter.Arm(timeout);
                return waiter.Task;
            }

            public void Forget(Waiter waiter)
            {
                waiters.TryRemove(waiter.Id, out _);
                Control(Remove, waiter.Fd, 0, 0);
            }

            private bool Control(int operation, int fd, uint events, long id)
            {
                var buffer = stackalloc byte[16];
                *(uint*)buffer = events;
                *(long*)(buffer + DataOffset) = id;
                if (epoll_ctl(epoll, operation, fd, buffer) == 0)
                {
                    return true;
                }

                // Registered already: a wait that timed out between its registration and its arming left it there.
                return operation == Add && Marshal.GetLastWin32Error() == Exists && epoll_ctl(epoll, Modify, fd, buffer) == 0;
            }

            private void Run()
            {
                var events = (byte*)Marshal.AllocHGlobal(MaxEvents * EventSize);
                while (true)
                {
                    var count = epoll_wait(epoll, events, MaxEvents, -1);
                    if (count < 0)
                    {
                        if (Marshal.GetLastWin32Error() == Interrupted)
                        {
                            continue;
                        }

                        // EBADF, EINVAL or EFAULT cannot come from our own descriptor and buffer; stop rather than spin:
                        // the waits still end, at their time-outs.
                        return;
                    }

                    for (var i = 0; i < count; i++)
                    {
                        var id = *(long*)(events + (i * EventSize) + DataOffset);
                        if (waiters.TryGetValue(id, out var waiter))
                        {
                            waiter.Complete(true);
                        }
                    }
                }
            }

            [DllImport("libc", SetLastError = true)]
            private static extern int epoll_create1(int flags);

            [DllImport("libc", SetLastError = true)]
            private static extern int epoll_ctl(int epoll, int operation, int fd, byte* @event);

            [DllImport("libc", SetLastError = true)]
            private static extern int epoll_wait(int epoll, byte* events, int maxEvents, int timeout);
        }

        private sealed class Waiter
        {
            private readonly Reactor reactor;
            private readonly CancellationToken cancellationToken;
            private readonly TaskCompletionSource<bool> completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly object gate = new object();
            private bool done;
            private Timer? timer;
            private CancellationTokenRegistration registration;

            public Waiter(Reactor reactor, int fd, long id, CancellationToken cancellationToken)
            {
                this.reactor = reactor;
                this.cancellationToken = cancellationToken;
                Fd = fd;
                Id = id;
            }

            public int Fd { get; }

            public long Id { get; }

            // Continuations run on the pool, never on the epoll thread (they call OpenSSL and may register again).
            public Task<bool> Task => completion.Task;

            public void Arm(TimeSpan timeout)
            {
                var milliseconds = (long)Math.Min(uint.MaxValue - 1, Math.Ceiling(timeout.TotalMilliseconds));
                var armed = new Timer(static s => ((Waiter)s!).Complete(false), this, milliseconds, Timeout.Infinite);
                lock (gate)
                {
                    if (!done)
                    {
                        timer = armed;
                        armed = null;
                    }
                }

                armed?.Dispose();
                if (cancellationToken.CanBeCanceled)
                {
                    var cancel = cancellationToken.Register(static s => ((Waiter)s!).Complete(null), this);
                    lock (gate)
                    {
                        if (!done)
                        {
                            registration = cancel;
                            return;
                        }
                    }

                    cancel.Dispose();
                }
            }

            /// <summary>Ends the wait once: ready (true), timed out (false) or cancelled (null).</summary>
            public void Complete(bool? ready)
            {
                Timer? stop;
                CancellationTokenRegistration unregister;
                lock (gate)
                {
                    if (done)
                    {
                        return;
                    }

                    done = true;
                    stop = timer;
                    unregister = registration;
                }

                reactor.Forget(this);
                stop?.Dispose();

                // Outside the lock: disposing a registration waits for its callback if it runs on another thread.
                unregister.Dispose();
                if (ready is { } value)
                {
                    completion.TrySetResult(value);
                }
                else
                {
                    completion.TrySetCanceled(cancellationToken);
                }
            }
        }
    }
}
