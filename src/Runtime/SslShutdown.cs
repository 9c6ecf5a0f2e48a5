#if SHUTDOWN_BY_REFLECTION
using System;
using System.IO;
using System.Net.Security;
using System.Reflection;
using System.Threading.Tasks;

namespace CloseNotify
{
    /// <summary><see cref="SslStream"/>'s public <c>ShutdownAsync()</c> for the builds whose reference surface lacks
    /// it (netstandard2.0, net462). It exists on .NET Framework 4.7+, .NET Core 2.0+ and Mono, which is where those
    /// builds mostly run; on .NET Framework 4.6.x it does not, and no close_notify can be sent.</summary>
    internal static class SslShutdown
    {
        /// <summary>Calls <c>ShutdownAsync()</c> on its argument; null where the running framework has none. Looked
        /// up once, when the first close needs it.</summary>
        public static readonly Func<SslStream, Task>? Start = Find<SslStream>();

        /// <summary>The public, parameterless, Task-returning <c>ShutdownAsync</c> of <typeparamref name="TStream"/>
        /// as an open-instance delegate, or null when the type has none.</summary>
        public static Func<TStream, Task>? Find<TStream>()
            where TStream : Stream
        {
            var method = typeof(TStream).GetMethod("ShutdownAsync", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null);
            if (method == null || method.ReturnType != typeof(Task))
            {
                return null;
            }

            // An open-instance delegate over a virtual method dispatches on its argument at each call, like a
            // virtual call in code: a subclass's override (one that also flushes its own layer, say) still runs.
            return (Func<TStream, Task>)method.CreateDelegate(typeof(Func<TStream, Task>));
        }
    }
}
#endif
