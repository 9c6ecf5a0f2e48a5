using System;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using CloseNotify.Testing;
using Xunit;

namespace DriverTests
{
    /// <summary>The client's close, checked on the wire by the kit's server peer.</summary>
    public class PingClientCloseTests
    {
        [Fact]
        public async Task Close_sends_close_notify_then_FIN()
        {
            using var server = TlsPeer.StartServer();
            var client = await PingClient.ConnectAsync(server.EndPoint, server.Certificate.ValidationCallback);
            var ping = server.ReceiveAsync(6);
            var pong = client.PingAsync();
            Assert.Equal("PING\r\n", Encoding.ASCII.GetString(await ping));
            await server.SendAsync(Encoding.ASCII.GetBytes("PONG\r\n"));
            Assert.Equal("PONG", await pong);

            await client.DisposeAsync();

            var report = await server.AssertClosedGracefullyAsync();
            Assert.Equal("PING\r\nQUIT\r\n", Encoding.ASCII.GetString(report.Received));
        }

        /// <summary>The test a driver that only disposes fails, kept green by expecting the failure: the peer reports the
        /// close as a truncation, and the graceful assertion's message says what went on the wire.</summary>
        [Fact]
        public async Task Dispose_only_client_is_reported_as_a_truncation()
        {
            using var server = TlsPeer.StartServer();
            var client = await DisposeOnlyPingClient.ConnectAsync(server.EndPoint, server.Certificate.ValidationCallback);

            await client.DisposeAsync();

            await server.AssertTruncatedAsync();
            var failure = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => server.AssertClosedGracefullyAsync());
            Assert.StartsWith("The client closed the TCP connection without close_notify after 0 bytes", failure.Message);
            Assert.EndsWith("expected close_notify then FIN.", failure.Message);
        }

        [Fact]
        public async Task Close_against_a_silent_server_ends_within_the_drain_timeout()
        {
            using var server = TlsPeer.StartServer(new TlsPeerOptions { Script = PeerScript.Silent });
            var client = await PingClient.ConnectAsync(server.EndPoint, server.Certificate.ValidationCallback);
            var clock = Stopwatch.StartNew();

            await client.DisposeAsync();

            // The drain ends on a timer, which may fire a fraction of a millisecond before the stopwatch reaches it.
            Assert.InRange(clock.Elapsed, PingClient.DrainTimeout - TimeSpan.FromMilliseconds(50), PingClient.DrainTimeout + TimeSpan.FromSeconds(2));
            await server.AssertClosedAsync(PeerCloseOutcome.CloseNotifyThenFin);
        }

        [Fact]
        public async Task Close_drains_what_the_server_still_sends_after_close_notify()
        {
            using var server = TlsPeer.StartServer(new TlsPeerOptions { Script = new PeerScript { SendAfterCloseNotify = 100_000 } });
            var client = await PingClient.ConnectAsync(server.EndPoint, server.Certificate.ValidationCallback);

            await client.DisposeAsync();

            var report = await server.AssertClosedGracefullyAsync();
            Assert.Equal(100_000, report.BytesSent);
        }
    }
}
