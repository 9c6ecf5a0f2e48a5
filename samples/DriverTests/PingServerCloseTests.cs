using System;
using System.Text;
using System.Threading.Tasks;
using CloseNotify.Testing;
using Xunit;

namespace DriverTests
{
    /// <summary>The server's close, checked on the wire by the kit's client peer (which presents no certificate and
    /// trusts any: the server presents the kit's).</summary>
    public class PingServerCloseTests
    {
        [Fact]
        public async Task Server_answers_the_client_close_notify_with_its_own()
        {
            using var server = new PingServer();
            var serving = server.ServeOneAsync(PeerCertificate.Shared.Certificate, TimeSpan.FromSeconds(10));
            using var client = TlsPeer.StartClient(server.EndPoint);
            await client.SendAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            Assert.Equal("PONG\r\n", Encoding.ASCII.GetString(await client.ReceiveAsync(6)));

            await client.CloseNotifyAsync();

            await serving;
            var report = await client.AssertClosedGracefullyAsync();
            Assert.True(report.PeerClosedFirst);
        }

        [Fact]
        public async Task Server_answers_a_QUIT_by_closing_gracefully()
        {
            using var server = new PingServer();
            var serving = server.ServeOneAsync(PeerCertificate.Shared.Certificate, TimeSpan.FromSeconds(10));
            using var client = TlsPeer.StartClient(server.EndPoint);

            await client.SendAsync(Encoding.ASCII.GetBytes("QUIT\r\n"));

            await serving;
            await client.AssertClosedGracefullyAsync();
        }
    }
}
