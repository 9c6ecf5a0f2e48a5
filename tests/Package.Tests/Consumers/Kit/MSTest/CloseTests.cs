using System.Text;
using System.Threading.Tasks;
using CloseNotify.Testing;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace KitConsumer
{
    [TestClass]
    public class CloseTests
    {
        [TestMethod]
        public async Task Close_sends_close_notify_then_FIN()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);

            await client.CloseAsync();

            var report = await peer.AssertClosedGracefullyAsync();
            Assert.AreEqual("QUIT\r\n", Encoding.ASCII.GetString(report.Received));
        }

        [TestMethod]
        public async Task Dispose_only_is_reported_as_a_truncation()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);
            await client.SendLineAsync("QUIT");
            await peer.ReceiveAsync(6);

            client.DisposeOnly();

            var failure = await Assert.ThrowsExactlyAsync<TlsPeerAssertionException>(() => peer.AssertClosedGracefullyAsync());
            StringAssert.StartsWith(failure.Message, "The client closed the TCP connection without close_notify after 6 bytes");
            Assert.AreEqual(PeerCloseOutcome.FinWithoutCloseNotify, failure.Report.Outcome);
        }

        [TestMethod]
        public async Task Truncation_assertion_passes_for_the_dispose_only_driver()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);

            client.DisposeOnly();

            await peer.AssertTruncatedAsync();
        }
    }
}
