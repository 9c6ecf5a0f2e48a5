namespace CloseNotify.Analyzers.Paths
{
    /// <summary>
    /// TLS004's phase trace (the cost harness prints it with COST_TRACE=1, docs/cost.md). Compiled only into a profiling
    /// build (<c>-p:CostProfile=true</c>): elsewhere every call is removed with its arguments, whose strings name symbols
    /// and syntax and count the body index's entries (work a release build would otherwise do on every compilation).
    /// </summary>
    internal static class DebugTrace
    {
        public static System.Action<string>? Sink;

        [System.Diagnostics.Conditional("COST_PROFILE")]
        public static void Write(string text) => Sink?.Invoke(text);
    }
}
