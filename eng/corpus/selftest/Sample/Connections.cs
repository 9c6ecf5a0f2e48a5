using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Sample
{
    /// <summary>Close sites whose expected findings eng/corpus/selftest/labels.tsv records, line by line.</summary>
    public static class Connections
    {
        /// <summary>Leaves the using block early after the handshake: no close_notify (TLS001 at the return).</summary>
        public static async Task<int> FirstByteAsync(TcpClient tcp)
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                await ssl.AuthenticateAsClientAsync("sample.example");
                return ssl.ReadByte();
            }
        }

        /// <summary>Starts the shutdown and forgets it (TLS002), inside a catch that swallows everything (TLS003).</summary>
        public static async Task ForgetAsync(TcpClient tcp)
        {
            var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync("sample.example");
            try
            {
                _ = ssl.ShutdownAsync();
                ssl.Dispose();
            }
            catch
            {
            }
        }

        /// <summary>The correct close: awaited shutdown before the disposal (nothing to report).</summary>
        public static async Task CloseAsync(TcpClient tcp)
        {
            using var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync("sample.example");
            await ssl.ShutdownAsync();
        }
    }
}
