using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers
{
    /// <summary>Every diagnostic descriptor of the package, in one place.</summary>
    public static class Descriptors
    {
        private const string Reliability = "Reliability";

        private const string DisposedWithoutCloseNotifyTitle = "TLS stream disposed without sending close_notify";

        private const string DisposedWithoutCloseNotifyMessage =
            "'{0}' is disposed here without a TLS close ({1}): close it gracefully (close_notify, then drain) or abort it explicitly first";

        private const string DisposedWithoutCloseNotifyDescription =
            "SslStream.Dispose does not send the TLS close_notify alert, so the peer cannot tell a finished stream from a truncated one, and unread bytes make the kernel reset the connection. Close the stream gracefully (ShutdownAsync or TlsClose.GracefulAsync) or say that an abort is meant (TlsClose.Abort).";

        /// <summary>TLS001 for a stream a method owns by itself: found while the method is analyzed.</summary>
        public static readonly DiagnosticDescriptor DisposedWithoutCloseNotify = Warning(
            RuleIdentifiers.DisposedWithoutCloseNotify,
            DisposedWithoutCloseNotifyTitle,
            DisposedWithoutCloseNotifyMessage,
            DisposedWithoutCloseNotifyDescription);

        /// <summary>TLS001 for a stream that crosses methods or types (a field, a wrapper, a parameter): found once the
        /// whole compilation was read, so it is a compilation-end diagnostic (build, dotnet format, full solution analysis).</summary>
        public static readonly DiagnosticDescriptor DisposedWithoutCloseNotifyAcrossMethods = Warning(
            RuleIdentifiers.DisposedWithoutCloseNotify,
            DisposedWithoutCloseNotifyTitle,
            DisposedWithoutCloseNotifyMessage,
            DisposedWithoutCloseNotifyDescription,
            compilationEnd: true);

        private const string SingleShotShutdownTitle = "TLS shutdown is not driven to completion (single-shot shutdown)";

        public static readonly DiagnosticDescriptor UnobservedShutdownTask = Warning(
            RuleIdentifiers.SingleShotShutdown,
            SingleShotShutdownTitle,
            "The task of {0}.ShutdownAsync() is not observed: the close_notify may not be sent before the stream is disposed, and its errors are lost; await it",
            "ShutdownAsync sends the TLS close_notify asynchronously. A task that nobody awaits may still be running when the stream is disposed, and a failure is never seen. Await it, or complete it synchronously where the method cannot be async.");

        public static readonly DiagnosticDescriptor UnboundedShutdownWait = Warning(
            RuleIdentifiers.SingleShotShutdown,
            SingleShotShutdownTitle,
            "The task of {0}.ShutdownAsync() is waited for without a bound in cleanup or callback code ({1}): a peer that stopped reading holds this thread there; bound the wait (TlsClose.Notify, or Wait with a timeout)",
            "ShutdownAsync completes when our close_notify is written, which waits as long as a peer that stopped reading keeps the send buffer full. Waited for without a timeout (Wait(), GetAwaiter().GetResult(), Result) in a catch or finally block, Dispose, a finalizer, a cancellation callback, an event handler or an I/O callback, or in a method they call, it can hold that thread for as long. Bound the wait: TlsClose.Notify (at most 250 ms, never throws), or Wait(TimeSpan) ignoring the errors of a peer already gone.");

        private const string OpenSslShutdownDescription =
            "SSL_shutdown returns 1 when the bidirectional shutdown is complete, 0 when our close_notify was sent but the peer's was not yet seen, and < 0 with SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE on a non-blocking socket. Called once with its result ignored, it leaves the shutdown half done. Call it again (waiting for the socket) until it returns 1 or fails: the fix writes that loop over the project's own SSL_shutdown and SSL_get_error imports, bounded to 2 s (its pauses awaited where the code can await, Thread.Sleep elsewhere); through an OpenSslBinding over those imports, the runtime's OpenSslShutdown.Drive does the same with a deadline and a drain, DriveAsync awaits the socket's readiness, and Begin + Step lets an event loop drive it without ever waiting.";

        public static readonly DiagnosticDescriptor SingleShotOpenSslShutdown = Warning(
            RuleIdentifiers.SingleShotShutdown,
            SingleShotShutdownTitle,
            "'{0}' (SSL_shutdown) is called once and its result {1}: call it again on 0 and on SSL_ERROR_WANT_READ/WANT_WRITE until it returns 1 (the fix writes that loop over your own SSL_shutdown and SSL_get_error)",
            OpenSslShutdownDescription);

        public static readonly DiagnosticDescriptor SingleShotOpenSslShutdownNonBlocking = Warning(
            RuleIdentifiers.SingleShotShutdown,
            SingleShotShutdownTitle,
            "'{0}' (SSL_shutdown) is not retried on a non-blocking socket: it returns before the shutdown completes (0, SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE) and the close is left half done; call it again until it returns 1 (the fix writes a bounded loop over your own SSL_shutdown and SSL_get_error)",
            OpenSslShutdownDescription);

        public static readonly DiagnosticDescriptor SingleShotOpenSslShutdownInEventLoop = Warning(
            RuleIdentifiers.SingleShotShutdown,
            SingleShotShutdownTitle,
            "'{0}' (SSL_shutdown) is not retried in an event loop: it returns before the shutdown completes (0, SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE) and the close is left half done; call it again from the loop each time the socket is ready until it returns 1 (OpenSslShutdown.Begin + Step), not in a retry loop that would stall the event loop",
            OpenSslShutdownDescription);

        private const string SwallowedCloseErrorTitle = "Non-benign error swallowed while closing a TLS connection";

        private const string SwallowedCloseErrorMessage =
            "'{0}' swallows every error while closing {1}: ignore only benign close errors (filter with TlsErrors.IsBenign) or let the others surface";

        private const string SwallowedReadErrorMessage =
            "'{0}' treats an error reading {1} as the end of the data: a truncated TLS stream then looks complete; let the error surface";

        private const string SwallowedCloseErrorDescription =
            "While a TLS connection closes, only a few errors are benign (the peer resetting or closing after our close_notify, data after close_notify, a stream already closed). A broad catch that does nothing also hides authentication failures, certificate errors, I/O errors and timeouts of a stuck peer. Filter with TlsErrors.IsBenign, catch only the benign types, or rethrow.";

        public static readonly DiagnosticDescriptor SwallowedCloseError = Warning(
            RuleIdentifiers.SwallowedCloseError,
            SwallowedCloseErrorTitle,
            SwallowedCloseErrorMessage,
            SwallowedCloseErrorDescription);

        /// <summary>TLS003's second shape: a read loop that takes an I/O error for the end of the data.</summary>
        public static readonly DiagnosticDescriptor SwallowedReadError = Warning(
            RuleIdentifiers.SwallowedCloseError,
            SwallowedCloseErrorTitle,
            SwallowedReadErrorMessage,
            SwallowedCloseErrorDescription);

        /// <summary>TLS003 on a try that the flow model decides (a Stream field set in another type, an owner, a close a few
        /// calls down): found once the whole compilation was read, so it is a compilation-end diagnostic.</summary>
        public static readonly DiagnosticDescriptor SwallowedCloseErrorAcrossMethods = Warning(
            RuleIdentifiers.SwallowedCloseError,
            SwallowedCloseErrorTitle,
            SwallowedCloseErrorMessage,
            SwallowedCloseErrorDescription,
            compilationEnd: true);

        /// <summary>TLS003's read-loop shape, decided at the end of the compilation (the loop reads a stream or an owner the
        /// flow model knows).</summary>
        public static readonly DiagnosticDescriptor SwallowedReadErrorAcrossMethods = Warning(
            RuleIdentifiers.SwallowedCloseError,
            SwallowedCloseErrorTitle,
            SwallowedReadErrorMessage,
            SwallowedCloseErrorDescription,
            compilationEnd: true);

        public static readonly DiagnosticDescriptor TransportClosedUnderTls = Warning(
            RuleIdentifiers.TransportClosedUnderTls,
            "Transport closed under a live TLS stream",
            "'{0}' closes the transport under '{1}', which was not shut down or disposed first: no close_notify can follow; close '{1}' (gracefully or by an abort) before its transport",
            "Closing the socket, NetworkStream, TcpClient or inner stream under an SslStream that is still open ends the TCP connection with no TLS close_notify: the peer sees a truncated stream, and unread bytes make the kernel reset the connection. Close the SslStream first (TlsClose.GracefulAsync, ShutdownAsync then Dispose, or at least Dispose), then its transport.");

        /// <summary>TLS004 for a TLS stream and a transport kept in fields, closed in another member: found at the end of the compilation.</summary>
        public static readonly DiagnosticDescriptor TransportClosedUnderTlsAcrossMethods = Warning(
            RuleIdentifiers.TransportClosedUnderTls,
            TransportClosedUnderTls.Title,
            TransportClosedUnderTls.MessageFormat,
            TransportClosedUnderTls.Description,
            compilationEnd: true);

        /// <summary>TLS004 through a property setter of another type: the upgrade gives an owner a new wrapper over the TLS
        /// stream, and the setter disposes the wrapper it replaces, which owns the TLS stream's transport (compilation end).</summary>
        public static readonly DiagnosticDescriptor TransportClosedUnderTlsBySetter = Warning(
            RuleIdentifiers.TransportClosedUnderTls,
            TransportClosedUnderTls.Title,
            "Setting '{0}' disposes the {1} it replaces, which closes '{2}' under '{3}': the TLS stream's transport is gone right after its handshake, and no close_notify can follow; let the replaced {1} leave '{2}' open, or do not dispose it there",
            TransportClosedUnderTls.Description,
            compilationEnd: true);

        public static readonly DiagnosticDescriptor WriteAfterShutdown = Warning(
            RuleIdentifiers.WriteAfterShutdown,
            "Write after the TLS shutdown",
            "'{0}' writes to '{1}' after its ShutdownAsync(): SslStream throws InvalidOperationException once close_notify was sent; write before the shutdown",
            "SslStream.ShutdownAsync sends close_notify and closes the write side of the TLS session: after it only reads are allowed, and Write, WriteAsync and Flush throw InvalidOperationException. Data meant for the peer must be written (and flushed) before the shutdown.");

        public static readonly DiagnosticDescriptor UnboundedDrain = Warning(
            RuleIdentifiers.UnboundedDrain,
            "Unbounded drain after the TLS shutdown",
            "'{0}' reads '{1}' until the end of the stream after ShutdownAsync() with no timeout, cancellation or byte limit: a silent or chatty peer holds the close forever; bound the drain (TlsClose.GracefulAsync, or a CancellationTokenSource with a timeout)",
            "After close_notify, reading until the peer's close_notify is right, but the peer decides when that comes: one that never answers, or keeps sending, keeps the loop (and the connection, and its buffers) alive forever. Bound the drain by a timeout and a byte count: TlsClose.GracefulAsync does both, or pass a CancellationToken that a CancellationTokenSource cancels after a few seconds.");

        /// <summary>Every rule is a reliability warning, on by default, whose help is its page in docs/rules.</summary>
        private static DiagnosticDescriptor Warning(string id, LocalizableString title, LocalizableString message, LocalizableString description, bool compilationEnd = false) =>
            new DiagnosticDescriptor(
                id,
                title,
                message,
                Reliability,
                DiagnosticSeverity.Warning,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: RuleIdentifiers.GetHelpUri(id),
                customTags: compilationEnd ? new[] { WellKnownDiagnosticTags.CompilationEnd } : System.Array.Empty<string>());
    }
}
