using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers
{
    /// <summary>What makes code cleanup code: where an escaping error has nowhere good to go.</summary>
    internal enum CleanupKind
    {
        /// <summary>A catch block: an error thrown there replaces the one being handled.</summary>
        CatchBlock,

        /// <summary>A finally block: an error thrown there replaces the one in flight.</summary>
        FinallyBlock,

        /// <summary><c>Dispose</c>, <c>Dispose(bool)</c>, <c>DisposeAsync</c>, or a method named <c>Dispose…</c> or <c>…Cleanup</c>.</summary>
        Dispose,

        /// <summary>A finalizer: an escaping error ends the process.</summary>
        Finalizer,

        /// <summary>A callback given to <c>CancellationToken.Register</c>: its error escapes <c>Cancel()</c>.</summary>
        CancellationCallback,

        /// <summary>A handler added with <c>+=</c>: its error escapes into whoever raised the event.</summary>
        EventHandler,

        /// <summary>An I/O or timer callback (<c>AsyncCallback</c>, <c>ContinueWith</c>, <c>SocketAsyncEventArgs.Completed</c>,
        /// timers, the thread pool): an escaping error ends the process.</summary>
        IoCallback,
    }

    /// <summary>Why code is cleanup code: the kind of cleanup, the member it is in, and the methods between.</summary>
    internal sealed class CleanupReason
    {
        public CleanupReason(CleanupKind kind, string member)
            : this(kind, member, ImmutableArray<string>.Empty)
        {
        }

        private CleanupReason(CleanupKind kind, string member, ImmutableArray<string> path)
        {
            Kind = kind;
            Member = member;
            Path = path;
        }

        public CleanupKind Kind { get; }

        /// <summary>The member that holds the cleanup code (<c>Type.Method</c>).</summary>
        public string Member { get; }

        /// <summary>The methods from the code up to that member, nearest first; empty when the code is in it.</summary>
        public ImmutableArray<string> Path { get; }

        /// <summary>The same reason, reached through one more caller: <paramref name="method"/>.</summary>
        public CleanupReason Through(IMethodSymbol method) =>
            new CleanupReason(Kind, Member, Path.Insert(0, method.ContainingType == null ? method.Name : method.ContainingType.Name + "." + method.Name));

        /// <summary>For messages: "Session.Disconnect, reached from a catch block in Server.OnReceive".</summary>
        public override string ToString()
        {
            var where = Kind switch
            {
                CleanupKind.CatchBlock => "a catch block in " + Member,
                CleanupKind.FinallyBlock => "a finally block in " + Member,
                CleanupKind.Finalizer => "the finalizer " + Member,
                CleanupKind.CancellationCallback => "a cancellation callback in " + Member,
                CleanupKind.EventHandler => "an event handler in " + Member,
                CleanupKind.IoCallback => "an I/O callback in " + Member,
                _ => Member,
            };
            return Path.IsEmpty ? where : Path[0] + ", reached from " + where;
        }
    }
}
