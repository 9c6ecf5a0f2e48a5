namespace CloseNotify.Analyzers.Paths
{
    internal static class DebugTrace
    {
        public static System.Action<string>? Sink;

        public static void Write(string text) => Sink?.Invoke(text);
    }
}
