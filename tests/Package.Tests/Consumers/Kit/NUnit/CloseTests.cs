using System.Text;
using System.Threading.Tasks;
using CloseNotify.Testing;
using NUnit.Framework;

namespace KitConsumer
{
    public class CloseTests
    {
        [Test]
        public async Task Close_sends_close_notify_then_FIN()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);

            await client.CloseAsync();

            var report = await peer.AssertClosedGracefullyAsync();
            Assert.That(Encoding.ASCII.GetString(report.Received), Is.EqualTo("QUIT\r\n"));
        }

        [Test]
        public async Task Dispose_only_is_reported_as_a_truncation()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);
            await client.SendLineAsync("QUIT");
            await peer.ReceiveAsync(6);

            client.DisposeOnly();

            var failure = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => peer.AssertClosedGracefullyAsync());
            Assert.That(failure!.Message, Does.StartWith("The client closed the TCP connection without close_notify after 6 bytes"));
            Assert.That(failure.Report.Outcome, Is.EqualTo(PeerCloseOutcome.FinWithoutCloseNotify));
        }

        [Test]
        public async Task Outcome_value_compares_like_any_other()
        {
            using var peer = TlsPeer.StartServer();
            var client = await LineClient.ConnectAsync(peer.EndPoint, peer.Certificate.ValidationCallback);

            client.DisposeOnly();

            Assert.That((await peer.WaitForCloseAsync()).Outcome, Is.EqualTo(PeerCloseOutcome.FinWithoutCloseNotify));
        }
    }
}
