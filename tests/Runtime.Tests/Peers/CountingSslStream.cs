using System.IO;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>A library's own SslStream subclass whose ShutdownAsync override does something of its own (here: counts)
    /// before the base sends close_notify. A close must call the override, not SslStream's method directly.</summary>
    public sealed class CountingSslStream : SslStream
    {
        private int shutdownCalls;

        public CountingSslStream(Stream inner, bool leaveInnerStreamOpen)
            : base(inner, leaveInnerStreamOpen)
        {
        }

        public int ShutdownCalls => Volatile.Read(ref shutdownCalls);

        public override Task ShutdownAsync()
        {
            Interlocked.Increment(ref shutdownCalls);
            return base.ShutdownAsync();
        }
    }
}
