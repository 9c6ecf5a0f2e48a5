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
    }
}
