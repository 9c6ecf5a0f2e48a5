using System.Net.Security;
using System.Threading.Tasks;

namespace Driver
{
    // SslStream.ShutdownAsync exists everywhere but in netstandard2.0 and net462, so a library that targets those
    // too calls it only on the other targets. There: TLS002 (a task nobody awaits) and TLS003 (every error swallowed).
    public static class Shutdown
    {
#if !(NETSTANDARD2_0 || NET462)
        public static async Task CloseAsync(SslStream stream)
        {
            await stream.FlushAsync().ConfigureAwait(false);
            _ = stream.ShutdownAsync();
            stream.Dispose();
        }

        public static void Close(SslStream ssl)
        {
            try
            {
                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
            catch
            {
                /* ignored */
            }
        }
#endif
    }
}
