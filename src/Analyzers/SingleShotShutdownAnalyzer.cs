// TLS002: a TLS shutdown started once and not driven to completion: an unobserved ShutdownAsync task, one waited for
// without a bound in cleanup or callback code, or an OpenSSL SSL_shutdown called once with its 0 / WANT_READ /
// WANT_WRITE ignored.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
using CloseNotify.Analyzers.Paths;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SingleShotShutdownAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: what the fixer must rewrite (a <see cref="Shape"/> name).</summary>
        public const string ShapeProperty = "Shape";

        /// <summary>Set ("true") when the call sits in an event loop that polls its sockets: no blocking retry fits there.</summary>
        public const string EventLoopProperty = "EventLoop";

        public enum Shape
        {
            /// <summary>A ShutdownAsync task in an expression statement, or assigned to <c>_</c>.</summary>
            DiscardedTask,

            /// <summary>A ShutdownAsync task kept in a local that is not awaited before the stream is disposed.</summary>
            StoredTask,

            /// <summary>An SSL_shutdown call whose result is ignored.</summary>
            IgnoredOpenSslResult,

            /// <summary>An SSL_shutdown call whose result is tested once, with no further call.</summary>
            CheckedOpenSslResult,

            /// <summary>The blocking-socket idiom (call again once on 0) used where the socket is non-blocking.</summary>
            RetriedOnceOpenSsl,

            /// <summary>A ShutdownAsync task waited for without a bound (<c>Wait()</c>, <c>GetAwaiter().GetResult()</c>,
            /// <c>Result</c>) in cleanup or callback code; the diagnostic is on the whole wait.</summary>
            UnboundedWait,
        }

        // Native calls that make a socket or BIO non-blocking, anywhere in the type.
        private static readonly ImmutableArray<string> NonBlockingNativeEntryPoints = ImmutableArray.Create("BIO_set_nbio", "BIO_socket_nbio", "fcntl");

        // Native waits of an event loop: a shutdown inside such a loop runs on a non-blocking socket.
        private static readonly ImmutableArray<string> EventLoopNativeEntryPoints = ImmutableArray.Create("poll", "epoll_wait", "select");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.UnobservedShutdownTask, Descriptors.SingleShotOpenSslShutdown, Descriptors.SingleShotOpenSslShutdownNonBlocking, Descriptors.SingleShotOpenSslShutdownInEventLoop, Descriptors.UnboundedShutdownWait);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                // Nothing to report where no source calls ShutdownAsync and nothing imports SSL_shutdown: register nothing,
                // so such a compilation pays one text pass (shared with the TLS gate) instead of a callback per invocation.
                // (OpenSSL imports need no SslStream: this gate is TLS002's own.)
                if (!TlsGate.MayShutDownTls(start.Compilation, start.CancellationToken))
                {
                    return;
                }

                // Symbols are looked up at the first call, not here (see PerCompilation).
                var compilation = start.Compilation;
                var lookups = new PerCompilation<Lookups>(_ => new Lookups(compilation));
                var nonBlockingTypes = new ConcurrentDictionary<INamedTypeSymbol, NonBlockingSockets>(SymbolEqualityComparer.Default);
                start.RegisterOperationAction(
                    c =>
                    {
                        var invocation = (IInvocationOperation)c.Operation;
                        if (invocation.TargetMethod.Name == "ShutdownAsync")
                        {
                            if (lookups.Get(c.CancellationToken).Symbols is { ShutdownAsync: not null } symbols)
                            {
                                AnalyzeShutdownAsync(c, symbols);
                            }
                        }
                        else if (IsNativeImport(invocation.TargetMethod) && KnownSymbols.IsNativeImport(invocation.TargetMethod, CloseFinder.OpenSslShutdownEntryPoint))
                        {
                            AnalyzeOpenSslCall(c, invocation, lookups.Get(c.CancellationToken).Socket, nonBlockingTypes);
                        }
                    },
                    OperationKind.Invocation);
            });
        }

        private sealed class Lookups
        {
            public Lookups(Compilation compilation)
            {
                Socket = compilation.GetTypeByMetadataName("System.Net.Sockets.Socket");
                Symbols = KnownSymbols.TryCreate(compilation);
            }

            public INamedTypeSymbol? Socket { get; }

            public KnownSymbols? Symbols { get; }
        }

        private static void AnalyzeShutdownAsync(OperationAnalysisContext context, KnownSymbols symbols)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!symbols.IsShutdown(invocation.TargetMethod))
            {
                return;
            }

            var task = TaskExpression(invocation);
            var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
            var name = "'" + (OperationHelpers.ReferencedSymbol(receiver)?.Name ?? receiver?.Syntax.ToString() ?? "the stream") + "'";
            if ((UnboundedWait(task) ?? UnboundedWait(RunWrapping(task))) is { } wait)
            {
                // Blocking until the alert is written is the caller's choice in plain code; in cleanup or callback code a
                // peer that stopped reading holds a thread that must not wait (decided across the compilation, only here).
                var reason = CleanupContext.For(context.Compilation).Find(wait.Syntax, context.Operation.SemanticModel!, context.CancellationToken);
                if (reason != null)
                {
                    // _ssl?.ShutdownAsync().Wait(): the whole expression, not its part after ?.
                    var whole = wait;
                    while (whole.Parent is IConditionalAccessOperation access && access.WhenNotNull == whole)
                    {
                        whole = access;
                    }

                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnboundedShutdownWait, whole.Syntax.GetLocation(), Properties(Shape.UnboundedWait), name, reason.ToString()));
                }

                return;
            }

            var shape = task.Parent switch
            {
                IExpressionStatementOperation => Shape.DiscardedTask,
                ISimpleAssignmentOperation { Target: IDiscardOperation } => Shape.DiscardedTask,
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                    when !TaskLocals.IsObservedBeforeDisposal(symbols, declarator.Symbol, invocation) => Shape.StoredTask,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment
                    when assignment.Value == task && !TaskLocals.IsObservedBeforeDisposal(symbols, local.Local, invocation) => Shape.StoredTask,
                _ => (Shape?)null,
            };
            if (shape != null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnobservedShutdownTask, task.Syntax.GetLocation(), Properties(shape.Value), name));
            }
        }

        /// <summary><c>Task.Run(async () => await ssl.ShutdownAsync())</c>: the task of the Task.Run that does nothing but
        /// the shutdown (the sync-over-async idiom), whose wait is then the shutdown's.</summary>
        private static IOperation? RunWrapping(IOperation task)
        {
            var current = task.Parent is IAwaitOperation awaited ? awaited : task;
            while (current.Parent is IReturnOperation or IExpressionStatementOperation or IConversionOperation)
            {
                current = current.Parent;
            }

            // The lambda's body holds the shutdown alone (an async lambda's implicit return aside).
            if (current.Parent is IBlockOperation block
                && block.Operations.All(o => o == current || o is IReturnOperation { ReturnedValue: null, IsImplicit: true }))
            {
                current = block;
            }

            return current.Parent is IAnonymousFunctionOperation { Parent: IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation run } } }
                && run.TargetMethod is { Name: "Run", IsStatic: true, ContainingType: { Name: "Task", ContainingNamespace.Name: "Tasks" } }
                ? TaskExpression(run)
                : null;
        }

        /// <summary>The wait on <paramref name="task"/> when it has no bound: <c>Wait()</c> (or with only a token, or an
        /// infinite time-out), <c>GetAwaiter().GetResult()</c>, <c>Result</c>.</summary>
        private static IOperation? UnboundedWait(IOperation? task)
        {
            switch (task?.Parent)
            {
                case IInvocationOperation { TargetMethod.Name: "Wait" } wait when wait.Instance == task
                    && wait.Arguments.All(a => a.Parameter?.Type.Name == "CancellationToken" || IsInfinite(a.Value)):
                    return wait;
                case IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter when awaiter.Instance == task
                    && awaiter.Parent is IInvocationOperation { TargetMethod.Name: "GetResult" } result && result.Instance == awaiter:
                    return result;
                case IPropertyReferenceOperation { Property.Name: "Result" } result when result.Instance == task:
                    return result;
                default:
                    return null;
            }
        }

        // Wait(-1), Wait(Timeout.Infinite), Wait(Timeout.InfiniteTimeSpan): no bound either.
        private static bool IsInfinite(IOperation value) =>
            value.ConstantValue is { HasValue: true, Value: -1 }
            || OperationHelpers.StripConversions(value) is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } };

        /// <summary>The task as the code holds it: <c>ssl.ShutdownAsync()</c> seen through ConfigureAwait, WaitAsync and conversions.</summary>
        private static IOperation TaskExpression(IInvocationOperation invocation)
        {
            IOperation current = invocation;
            while (current.Parent is IConversionOperation
                   || (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "WaitAsync" } wrapper && wrapper.Instance == current))
            {
                current = current.Parent;
            }

            return current;
        }

        private static void AnalyzeOpenSslCall(OperationAnalysisContext context, IInvocationOperation call, INamedTypeSymbol? socket, ConcurrentDictionary<INamedTypeSymbol, NonBlockingSockets> nonBlockingTypes)
        {
            var function = FunctionOf(call);
            var loop = EnclosingLoop(call, function);
            var result = call.Parent is IConversionOperation conversion ? conversion : (IOperation)call;
            var ignored = result.Parent is IExpressionStatementOperation or ISimpleAssignmentOperation { Target: IDiscardOperation };
            if ((loop != null && !ignored) || result.Parent is IReturnOperation or IArgumentOperation)
            {
                // A loop that tests the result drives the shutdown (the documented way); a thin binding
                // wrapper, or a result handed to a helper, leaves the decision to the caller.
                return;
            }

            var inEventLoop = loop != null && IsEventLoop(loop, socket);
            var sockets = NonBlockingOf(context, socket, nonBlockingTypes);
            var nonBlocking = inEventLoop || sockets?.Any == true;
            var allCalls = function.Descendants().OfType<IInvocationOperation>()
                .Where(c => IsNativeImport(c.TargetMethod) && KnownSymbols.IsNativeImport(c.TargetMethod, CloseFinder.OpenSslShutdownEntryPoint));
            var handle = HandleOf(call);
            var retries = allCalls
                .Where(c => c != call && FunctionOf(c) == function && EnclosingLoop(c, function) == null && HandleOf(c) == handle)
                .ToList();
            Shape shape;
            if (retries.Count == 0)
            {
                shape = ignored ? Shape.IgnoredOpenSslResult : Shape.CheckedOpenSslResult;
            }
            else if (nonBlocking && retries.All(s => s.Syntax.SpanStart > call.Syntax.SpanStart))
            {
                // "Call again once on 0" completes on a blocking socket only.
                shape = Shape.RetriedOnceOpenSsl;
            }
            else
            {
                return;
            }

            // On a socket that is blocking at the call, one SSL_shutdown writes the whole close_notify and returns 0: the
            // unidirectional shutdown the OpenSSL docs call acceptable. A retry there would block reading the peer's.
            if (!inEventLoop && socket != null && sockets != null && IsBlockingAtCall(context, call, function, socket, sockets))
            {
                return;
            }

            var descriptor = inEventLoop ? Descriptors.SingleShotOpenSslShutdownInEventLoop
                : nonBlocking ? Descriptors.SingleShotOpenSslShutdownNonBlocking
                : Descriptors.SingleShotOpenSslShutdown;
            var how = shape == Shape.IgnoredOpenSslResult ? "is ignored" : "is tested once";
            var properties = inEventLoop ? Properties(shape).Add(EventLoopProperty, "true") : Properties(shape);
            context.ReportDiagnostic(Diagnostic.Create(descriptor, call.Syntax.GetLocation(), properties, call.TargetMethod.Name, how));
        }

        /// <summary>Which sockets the calling type makes non-blocking (Socket.Blocking = false, BIO_set_nbio, fcntl); null
        /// outside a type.</summary>
        private static NonBlockingSockets? NonBlockingOf(OperationAnalysisContext context, INamedTypeSymbol? socket, ConcurrentDictionary<INamedTypeSymbol, NonBlockingSockets> cache)
        {
            var type = context.ContainingSymbol.ContainingType;
            if (type == null)
            {
                return null;
            }

            if (cache.TryGetValue(type, out var cached))
            {
                return cached;
            }

            var found = NonBlockingSockets.Of(
                TypeBodies.WithOwners(type, context.Operation.SemanticModel!, context.CancellationToken),
                socket,
                invocation => IsNativeImport(invocation.TargetMethod) && NonBlockingNativeEntryPoints.Any(e => KnownSymbols.IsNativeImport(invocation.TargetMethod, e)));

            // A partial type seen from one file only is not cached: another file may see more of it.
            return type.DeclaringSyntaxReferences.Length == 1 ? cache.GetOrAdd(type, found) : found;
        }

        /// <summary>Is the call made on a blocking socket: every socket the type makes non-blocking (or, where it makes
        /// none, one the function sets blocking) set <c>Blocking = true</c> on every path to it, and not set otherwise
        /// after? Only asked of a call about to be reported, and only where the function sets a socket blocking.</summary>
        private static bool IsBlockingAtCall(OperationAnalysisContext context, IInvocationOperation call, IOperation function, INamedTypeSymbol socket, NonBlockingSockets sockets)
        {
            if (sockets.Unnamed)
            {
                return false;
            }

            var setBlocking = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in function.Descendants())
            {
                if (SocketBlocking.BlockingAssignment(operation, socket) is { Value: true, Socket: { } named })
                {
                    setBlocking.Add(named);
                }
            }

            var mustBeBlocking = sockets.Sockets.IsEmpty ? null : sockets.Sockets;
            if (setBlocking.Count == 0 || (mustBeBlocking != null && !mustBeBlocking.All(setBlocking.Contains)))
            {
                return false;
            }

            if (SocketBlocking.GraphOf(context.GetControlFlowGraph, function, context.CancellationToken) is not { } graph)
            {
                return false;
            }

            return mustBeBlocking != null
                ? mustBeBlocking.All(s => SocketBlocking.IsBlockingAt(graph, call.Syntax, s, sockets, socket))
                : setBlocking.Any(s => SocketBlocking.IsBlockingAt(graph, call.Syntax, s, sockets, socket));
        }

        private static bool IsNativeImport(IMethodSymbol method) =>
            method.IsExtern || method.IsPartialDefinition || method.PartialDefinitionPart != null;

        /// <summary>The SSL* a call shuts down, as written: calls on other connections are not retries of this one.</summary>
        private static string HandleOf(IInvocationOperation call) =>
            call.Arguments.Length == 0 ? string.Empty : call.Arguments[0].Value.Syntax.ToString();

        private static bool IsEventLoop(IOperation loop, INamedTypeSymbol? socket) =>
            loop.Descendants().OfType<IInvocationOperation>().Any(i =>
                (i.TargetMethod.Name is "Poll" or "Select" && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, socket))
                || (IsNativeImport(i.TargetMethod) && EventLoopNativeEntryPoints.Any(e => KnownSymbols.IsNativeImport(i.TargetMethod, e))));

        private static ImmutableDictionary<string, string?> Properties(Shape shape) =>
            ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape.ToString());

        private static IOperation FunctionOf(IOperation operation)
        {
            var current = operation;
            while (current.Parent != null && current is not IAnonymousFunctionOperation and not ILocalFunctionOperation)
            {
                current = current.Parent;
            }

            return current;
        }

        private static IOperation? EnclosingLoop(IOperation operation, IOperation function)
        {
            for (var parent = operation.Parent; parent != null && parent != function; parent = parent.Parent)
            {
                if (parent is ILoopOperation)
                {
                    return parent;
                }
            }

            return null;
        }
    }
}
