using System.Text;
using System.Threading.Tasks;
using CloseNotify.Testing;
using Xunit;

namespace KitConsumer
{
    public class CloseTests
    {
        [Fact]
        public async Task Close_sends_close_notify_then_FIN()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);

            await client.CloseAsync();

            var report = await peer.AssertClosedGracefullyAsync();
            Assert.Equal("QUIT\r\n", Encoding.ASCII.GetString(report.Received));
        }

        [Fact]
        public async Task Dispose_only_is_reported_as_a_truncation()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);
            await client.SendLineAsync("QUIT");
            await peer.ReceiveAsync(6);

            client.DisposeOnly();

            var failure = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => peer.AssertClosedGracefullyAsync());
            Assert.StartsWith("The client closed the TCP connection without close_notify after 6 bytes", failure.Message);
            Assert.Equal(PeerCloseOutcome.FinWithoutCloseNotify, failure.Report.Outcome);
        }

        [Fact]
        public async Task Outcome_value_compares_like_any_other()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);

            client.DisposeOnly();

            Assert.Equal(PeerCloseOutcome.FinWithoutCloseNotify, (await peer.WaitForCloseAsync()).Outcome);
        }
    }
}
