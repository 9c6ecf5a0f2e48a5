using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers
{
    /// <summary>Every diagnostic descriptor of the package, in one place.</summary>
    public static class Descriptors
    {
        private const string Reliability = "Reliability";

        public static readonly DiagnosticDescriptor DisposedWithoutCloseNotify = new DiagnosticDescriptor(
            RuleIdentifiers.DisposedWithoutCloseNotify,
            title: "TLS stream disposed without sending close_notify",
            messageFormat: "'{0}' is disposed here without a TLS close: close it gracefully (close_notify, then drain) or abort it explicitly first",
            category: Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "SslStream.Dispose does not send the TLS close_notify alert, so the peer cannot tell a finished stream from a truncated one, and unread bytes make the kernel reset the connection. Close the stream gracefully (ShutdownAsync or TlsClose.GracefulAsync) or say that an abort is meant (TlsClose.Abort).",
            helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.DisposedWithoutCloseNotify));

        private const string SwallowedCloseErrorTitle = "Non-benign error swallowed while closing a TLS connection";

        private const string SwallowedCloseErrorDescription =
            "While a TLS connection closes, only a few errors are benign (the peer resetting or closing after our close_notify, data after close_notify, a stream already closed). A broad catch that does nothing also hides authentication failures, certificate errors, I/O errors and timeouts of a stuck peer. Filter with TlsErrors.IsBenign, catch only the benign types, or rethrow.";

        public static readonly DiagnosticDescriptor SwallowedCloseError = new DiagnosticDescriptor(
            RuleIdentifiers.SwallowedCloseError,
            title: SwallowedCloseErrorTitle,
            messageFormat: "'{0}' swallows every error while closing {1}: ignore only benign close errors (filter with TlsErrors.IsBenign) or let the others surface",
            category: Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: SwallowedCloseErrorDescription,
            helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.SwallowedCloseError));

        /// <summary>TLS003's second shape: a read loop that takes an I/O error for the end of the data.</summary>
        public static readonly DiagnosticDescriptor SwallowedReadError = new DiagnosticDescriptor(
            RuleIdentifiers.SwallowedCloseError,
            title: SwallowedCloseErrorTitle,
            messageFormat: "'{0}' treats an error reading {1} as the end of the data: a truncated TLS stream then looks complete; let the error surface",
            category: Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: SwallowedCloseErrorDescription,
            helpLinkUri: RuleIdentifiers.GetHelpUri(RuleIdentifiers.SwallowedCloseError));
    }
}
