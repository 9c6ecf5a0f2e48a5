using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>Every outcome the peer records, produced for real by a .NET SslStream driver, with the peer as server
    /// and as client, over TLS 1.2 and 1.3.</summary>
    public sealed class OutcomeTests
    {
        private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Graceful_close_is_close_notify_then_FIN(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol);
            await driver.SendAsync(1024);

            await driver.CloseGracefullyAsync();

            var report = await driver.Peer.AssertClosedGracefullyAsync();
            Assert.Equal(PeerCloseOutcome.CloseNotifyThenFin, report.Outcome);
            Assert.True(report.IsFinal);
            Assert.Equal(1024, report.BytesReceived);
            Assert.Equal(new byte[1024], report.Received);
            Assert.Equal(protocol, report.Protocol);
            Assert.Equal(0, report.RecordsAfterCloseNotify);
            Assert.True(report.PeerSentCloseNotify && !report.PeerClosedFirst, report.ToString());

            // The record SslStream decrypted as close_notify: a visible alert record in TLS 1.2, an encrypted record
            // whose outer type is application_data in TLS 1.3.
            Assert.Equal(protocol == SslProtocols.Tls12 ? 21 : 23, driver.Peer.CloseNotifyRecordType);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Close_notify_then_dispose_without_drain_is_close_notify_then_FIN(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol, PeerScript.Silent);

            await driver.CloseNotifyThenDisposeAsync();

            await driver.Peer.AssertClosedAsync(PeerCloseOutcome.CloseNotifyThenFin);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Close_notify_then_abort_is_close_notify_then_reset(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol, PeerScript.Silent);

            await driver.CloseNotifyThenAbortAsync();

            var report = await driver.Peer.AssertClosedAsync(PeerCloseOutcome.CloseNotifyThenReset);
            Assert.False(report.IsGraceful);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Close_notify_then_a_socket_closed_over_unread_data_is_close_notify_then_reset(TlsPeerRole role, SslProtocols protocol)
        {
            // Linux answers the close of a socket with unread bytes in its receive buffer with RST: the driver that sends
            // close_notify, never drains what the other side still sent, and closes its socket resets the connection.
            // (NetworkStream.Dispose would shut the socket down first: a FIN, then the RST.)
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol, PeerScript.Silent);
            await driver.Peer.SendAsync(new byte[5000]);
            await WaitForUnreadBytes(driver.Socket);

            await Bounded.Wait(driver.Tls.ShutdownAsync());
            driver.Socket.Dispose();

            await driver.Peer.AssertClosedAsync(PeerCloseOutcome.CloseNotifyThenReset);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Dispose_alone_is_a_FIN_without_close_notify(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol);
            await driver.SendAsync(1024);
            await driver.Peer.ReceiveAsync(1024);

            driver.DisposeOnly();

            var report = await driver.Peer.AssertTruncatedAsync();
            Assert.Equal(1024, report.BytesReceived);
            Assert.False(report.EndedMidRecord);
            var error = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => driver.Peer.AssertClosedGracefullyAsync());
            Assert.StartsWith($"The {(role == TlsPeerRole.Server ? "client" : "server")} closed the TCP connection without close_notify after 1,024 bytes", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("; expected close_notify then FIN.", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Abort_is_a_reset_without_close_notify(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol);
            await driver.SendAsync(10);
            await driver.Peer.ReceiveAsync(10);

            driver.Abort();

            var report = await driver.Peer.AssertClosedAsync(PeerCloseOutcome.ResetWithoutCloseNotify);
            Assert.Equal(10, report.BytesReceived);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Connection_left_open_is_Open_when_the_wait_ends(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = await driver.Peer.WaitForCloseAsync(Short);

            Assert.Equal(PeerCloseOutcome.Open, report.Outcome);
            Assert.False(report.IsFinal);
            Assert.InRange(clock.Elapsed, Short - TimeSpan.FromMilliseconds(20), Short + TimeSpan.FromSeconds(1));
            await driver.Peer.AssertStillOpenAsync(Short);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Close_notify_with_the_connection_kept_open_is_CloseNotifyOnly(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(role, protocol, PeerScript.Silent);

            await Bounded.Wait(driver.Tls.ShutdownAsync());

            var report = await driver.Peer.AssertClosedAsync(PeerCloseOutcome.CloseNotifyOnly, Short);
            Assert.False(report.IsFinal);
            Assert.Contains("sent close_notify after 0 bytes but left the TCP connection open within 0.3 s", report.ToString(), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public async Task Record_cut_by_a_FIN_is_a_truncation_in_the_middle_of_a_record(SslProtocols protocol)
        {
            // The kit's own client peer plays the driver that sends a cut record.
            using var server = TlsPeer.StartServer(new TlsPeerOptions { Protocols = protocol });
            using var client = TlsPeer.StartClient(server.EndPoint, new TlsPeerOptions { Protocols = protocol, Script = new PeerScript { Opening = PeerOpening.TruncatedRecord } });

            var report = await server.AssertTruncatedAsync();

            Assert.True(report.EndedMidRecord, report.ToString());
            Assert.Contains("in the middle of a TLS record", report.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Driver_that_offers_no_common_TLS_version_is_HandshakeFailed()
        {
            // (A driver that refuses the certificate checks it after its side of the handshake is done, in .NET: the peer
            // then sees it leave without close_notify.)
            using var peer = TlsPeer.StartServer(new TlsPeerOptions { Protocols = SslProtocols.Tls13 });
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(peer.EndPoint);
            using var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: true), false, peer.Certificate.ValidationCallback);
            Assert.IsType<AuthenticationException>(await Bounded.Catch(() => tls.AuthenticateAsClientAsync("localhost", null, SslProtocols.Tls12, false)));

            var report = await peer.AssertClosedAsync(PeerCloseOutcome.HandshakeFailed);

            Assert.NotNull(report.Error);
            var error = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => peer.WaitForHandshakeAsync());
            Assert.StartsWith("The TLS handshake with the client failed", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Server_nobody_connects_to_is_NotConnected_within_its_timeout()
        {
            using var peer = TlsPeer.StartServer(new TlsPeerOptions { Timeout = Short });

            var report = await peer.WaitForCloseAsync(TimeSpan.FromSeconds(5));

            Assert.Equal(PeerCloseOutcome.NotConnected, report.Outcome);
            Assert.True(report.IsFinal);
            Assert.IsType<TimeoutException>(report.Error);
        }

        [Fact]
        public async Task Client_with_no_server_is_NotConnected()
        {
            var port = FreePort();
            using var peer = TlsPeer.StartClient(new IPEndPoint(IPAddress.Loopback, port));

            var report = await peer.WaitForCloseAsync();

            Assert.Equal(PeerCloseOutcome.NotConnected, report.Outcome);
            Assert.StartsWith("the peer could not connect to the server", report.ToString(), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public async Task Garbage_record_is_a_ProtocolError(SslProtocols protocol)
        {
            await using var driver = await DotNetDriver.ConnectAsync(TlsPeerRole.Server, protocol);

            // An application-data record whose bytes are not what the session encrypts: it cannot be decrypted.
            var record = new byte[] { 23, 3, 3, 0, 32 }.Concat(Enumerable.Repeat((byte)0x5A, 32)).ToArray();
            await driver.Socket.SendAsync(record, SocketFlags.None);

            var report = await driver.Peer.AssertClosedAsync(PeerCloseOutcome.ProtocolError);
            Assert.NotNull(report.Error);
        }

        internal static async Task WaitForUnreadBytes(Socket socket)
        {
            for (var i = 0; i < 500 && socket.Available == 0; i++)
            {
                await Task.Delay(10);
            }

            Assert.True(socket.Available > 0, "the peer's bytes never arrived");
        }

        private static int FreePort()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
    }
}
