namespace CloseNotify
{
    /// <summary>What an <see cref="OpenSslShutdownOperation"/> waits for after a step.</summary>
    public enum OpenSslWait
    {
        /// <summary>The shutdown is over: read <see cref="OpenSslShutdownOperation.Result"/>.</summary>
        Done,

        /// <summary>Call <see cref="OpenSslShutdownOperation.Step"/> again once the socket is readable (or the deadline passed).</summary>
        Readable,

        /// <summary>Call <see cref="OpenSslShutdownOperation.Step"/> again once the socket is writable (or the deadline passed).</summary>
        Writable,
    }
}
