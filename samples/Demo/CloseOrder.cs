using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Demo
{
    /// <summary>TLS004-TLS006: three close mistakes of the order and the bound of a close (compiled, never run).</summary>
    internal static class CloseOrder
    {
        /// <summary>TLS004: the client is closed under a TLS stream nobody closed: no close_notify can follow.</summary>
        public static async Task SendAndHangUpAsync(string host, byte[] data)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(host, 465);
            var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(host);
            await ssl.WriteAsync(data);
            tcp.Close();
        }

        /// <summary>TLS005: QUIT written after the shutdown: SslStream throws InvalidOperationException.</summary>
        public static async Task QuitAsync(SslStream ssl)
        {
            await ssl.ShutdownAsync();
            await ssl.WriteAsync(DemoTls.Line("QUIT"));
        }

        /// <summary>TLS006: after close_notify, a drain that only a well-behaved peer ever ends.</summary>
        public static async Task DrainAsync(SslStream ssl)
        {
            var buffer = new byte[4096];
            await ssl.ShutdownAsync();
            while (await ssl.ReadAsync(buffer, CancellationToken.None) > 0)
            {
            }

            ssl.Dispose();
        }
    }
}
