namespace CloseNotify.Analyzers
{
    /// <summary>The diagnostic IDs, named for what each rule finds.</summary>
    public static class RuleIdentifiers
    {
        public const string DisposedWithoutCloseNotify = "TLS001";
        public const string SingleShotShutdown = "TLS002";
        public const string SwallowedCloseError = "TLS003";
        public const string TransportClosedUnderTls = "TLS004";
        public const string WriteAfterShutdown = "TLS005";
        public const string UnboundedDrain = "TLS006";

        private const string DocsBaseUri = "https://github.com/closenotify/closenotify/blob/main/docs/rules/";

        public static string GetHelpUri(string id) => DocsBaseUri + id + ".md";
    }
}
