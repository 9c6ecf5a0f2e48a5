using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers
{
    /// <summary>The BCL symbols that make a delegate a callback whose errors escape to nobody: resolved once per
    /// compilation, compared by symbol.</summary>
    internal sealed class CallbackSymbols
    {
        private readonly INamedTypeSymbol? _cancellationToken;
        private readonly INamedTypeSymbol? _task;
        private readonly INamedTypeSymbol? _taskOfT;
        private readonly INamedTypeSymbol? _threadPool;
        private readonly ImmutableArray<INamedTypeSymbol> _ioEventOwners;
        private readonly ImmutableArray<INamedTypeSymbol> _ioDelegates;

        public CallbackSymbols(Compilation compilation)
        {
            _cancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            _threadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");

            // Completed of a SocketAsyncEventArgs runs on an I/O thread; Elapsed of a System.Timers.Timer on a timer thread.
            _ioEventOwners = Resolve(compilation, "System.Net.Sockets.SocketAsyncEventArgs", "System.Timers.Timer");

            // The delegate types of APM completions, timers and thread-pool work: an error escaping them ends the process.
            _ioDelegates = Resolve(compilation, "System.AsyncCallback", "System.Threading.TimerCallback", "System.Threading.WaitCallback",
                "System.Threading.WaitOrTimerCallback", "System.Threading.IOCompletionCallback");
        }

        /// <summary>A delegate of one of the callback types (<c>AsyncCallback</c>, <c>TimerCallback</c>...).</summary>
        public CleanupKind? KindOfDelegate(ITypeSymbol? type) =>
            type != null && _ioDelegates.Contains(type.OriginalDefinition, SymbolEqualityComparer.Default) ? CleanupKind.IoCallback : null;

        /// <summary>A method that takes a callback: <c>CancellationToken.Register</c>, <c>Task.ContinueWith</c>, the thread pool's queues.</summary>
        public CleanupKind? KindOfRegistration(IMethodSymbol method)
        {
            method = method.ReducedFrom ?? method;
            var type = method.ContainingType?.OriginalDefinition;
            if (type == null)
            {
                return null;
            }

            if (method.Name is "Register" or "UnsafeRegister" && SymbolEqualityComparer.Default.Equals(type, _cancellationToken))
            {
                return CleanupKind.CancellationCallback;
            }

            if ((method.Name == "ContinueWith" && (SymbolEqualityComparer.Default.Equals(type, _task) || SymbolEqualityComparer.Default.Equals(type, _taskOfT)))
                || (method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" or "RegisterWaitForSingleObject" && SymbolEqualityComparer.Default.Equals(type, _threadPool)))
            {
                return CleanupKind.IoCallback;
            }

            return null;
        }

        /// <summary>An event handler (<c>+=</c>); an I/O callback when the event is an I/O or timer completion.</summary>
        public CleanupKind KindOfEvent(IEventSymbol @event) =>
            _ioEventOwners.Contains(@event.ContainingType?.OriginalDefinition, SymbolEqualityComparer.Default) ? CleanupKind.IoCallback : CleanupKind.EventHandler;

        private static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, params string[] names) =>
            names.Select(compilation.GetTypeByMetadataName).Where(t => t != null).Select(t => t!).ToImmutableArray();
    }
}
