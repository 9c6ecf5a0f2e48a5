// TLS002: a TLS shutdown started once and not driven to completion: an unobserved ShutdownAsync task,
// or an OpenSSL SSL_shutdown called once with its 0 / WANT_READ / WANT_WRITE ignored.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CloseNotify.Analyzers.Flow;
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
        }

        // Native calls that make a socket or BIO non-blocking, anywhere in the type.
        private static readonly ImmutableArray<string> NonBlockingNativeEntryPoints = ImmutableArray.Create("BIO_set_nbio", "BIO_socket_nbio", "fcntl");

        // Native waits of an event loop: a shutdown inside such a loop runs on a non-blocking socket.
        private static readonly ImmutableArray<string> EventLoopNativeEntryPoints = ImmutableArray.Create("poll", "epoll_wait", "select");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.UnobservedShutdownTask, Descriptors.SingleShotOpenSslShutdown, Descriptors.SingleShotOpenSslShutdownNonBlocking);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                // OpenSSL imports need no SslStream: that part is registered on its own.
                var socket = start.Compilation.GetTypeByMetadataName("System.Net.Sockets.Socket");
                start.RegisterSymbolStartAction(type => RegisterOpenSslAnalysis(type, socket), SymbolKind.NamedType);

                var symbols = KnownSymbols.TryCreate(start.Compilation);
                if (symbols?.ShutdownAsync != null)
                {
                    start.RegisterOperationAction(c => AnalyzeShutdownAsync(c, symbols), OperationKind.Invocation);
                }
            });
        }

        private static void AnalyzeShutdownAsync(OperationAnalysisContext context, KnownSymbols symbols)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.TargetMethod.Name != "ShutdownAsync" || !symbols.IsShutdown(invocation.TargetMethod))
            {
                return;
            }

            var task = TaskExpression(invocation);
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
                var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
                var name = OperationHelpers.ReferencedSymbol(receiver)?.Name ?? receiver?.Syntax.ToString() ?? "the stream";
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnobservedShutdownTask, task.Syntax.GetLocation(), Properties(shape.Value), "'" + name + "'"));
            }
        }

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

        private static void RegisterOpenSslAnalysis(SymbolStartAnalysisContext context, INamedTypeSymbol? socket)
        {
            var calls = new ConcurrentBag<IInvocationOperation>();
            var nonBlocking = new StrongBox();
            context.RegisterOperationAction(
                c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    var method = invocation.TargetMethod;
                    if (!IsNativeImport(method))
                    {
                        return;
                    }

                    if (KnownSymbols.IsNativeImport(method, CloseFinder.OpenSslShutdownEntryPoint))
                    {
                        calls.Add(invocation);
                    }
                    else if (NonBlockingNativeEntryPoints.Any(e => KnownSymbols.IsNativeImport(method, e)))
                    {
                        nonBlocking.Value = true;
                    }
                },
                OperationKind.Invocation);
            context.RegisterOperationAction(
                c =>
                {
                    // socket.Blocking = false
                    if (c.Operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Blocking" } property, Value.ConstantValue: { HasValue: true, Value: false } }
                        && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, socket))
                    {
                        nonBlocking.Value = true;
                    }
                },
                OperationKind.SimpleAssignment);
            context.RegisterSymbolEndAction(end =>
            {
                foreach (var call in calls)
                {
                    AnalyzeOpenSslCall(end, call, calls, nonBlocking.Value, socket);
                }
            });
        }

        private static void AnalyzeOpenSslCall(SymbolAnalysisContext context, IInvocationOperation call, IEnumerable<IInvocationOperation> allCalls, bool nonBlockingType, INamedTypeSymbol? socket)
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

            var nonBlocking = nonBlockingType || (loop != null && IsEventLoop(loop, socket));
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

            var descriptor = nonBlocking ? Descriptors.SingleShotOpenSslShutdownNonBlocking : Descriptors.SingleShotOpenSslShutdown;
            var how = shape == Shape.IgnoredOpenSslResult ? "is ignored" : "is tested once";
            context.ReportDiagnostic(Diagnostic.Create(descriptor, call.Syntax.GetLocation(), Properties(shape), call.TargetMethod.Name, how));
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

        /// <summary>A flag set from concurrent operation callbacks of one type.</summary>
        private sealed class StrongBox
        {
            private volatile bool _value;

            public bool Value
            {
                get => _value;
                set => _value = value;
            }
        }
    }
}
