using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>The OpenSSL shutdown driver on a real <c>SSL*</c> over a non-blocking loopback socket, against real peers:
    /// <c>openssl s_server</c> / <c>s_client</c> processes and a .NET <see cref="System.Net.Security.SslStream"/>.</summary>
    public sealed class OpenSslShutdownTests
    {
        private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(10);

        // Generous enough for a loaded 2-core CI machine; a clean exchange on loopback takes a millisecond.
        private static readonly TlsCloseOptions Bounded = new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5) };

        public static TheoryData<SslProtocols> Versions => new TheoryData<SslProtocols> { SslProtocols.Tls12, SslProtocols.Tls13 };

        [Theory]
        [MemberData(nameof(Versions))]
        public void Completes_the_bidirectional_shutdown_with_s_server(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.True(result.IsClean);
            Assert.Equal(0, result.BytesDrained);
            Assert.Equal(LibSsl.SentShutdown | LibSsl.ReceivedShutdown, connection.ShutdownState);
            server.Expect("DONE", PeerTimeout); // s_server read our close_notify as the clean end of the stream
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Completes_the_bidirectional_shutdown_as_a_server_with_s_client(SslProtocols protocol)
        {
            using var listener = Listen();
            using var client = OpenSslProcess.StartClient(((IPEndPoint)listener.LocalEndPoint!).Port, protocol);
            using var connection = OpenSslConnection.Accept(listener, protocol);

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(LibSsl.SentShutdown | LibSsl.ReceivedShutdown, connection.ShutdownState);
            client.Expect("closed", PeerTimeout); // s_client's SSL_read saw our close_notify (SSL_ERROR_ZERO_RETURN)
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Completes_when_the_peer_sent_its_close_notify_first(SslProtocols protocol)
        {
            using var peer = Serve(protocol, PeerScript.CloseFirst);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            await peer.WaitForHandshakeAsync();

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(LibSsl.SentShutdown | LibSsl.ReceivedShutdown, connection.ShutdownState);
            Assert.True((await peer.WaitForCloseNotifyAsync(PeerTimeout)).SawCloseNotify()); // the peer read our close_notify
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void A_single_unlooped_SSL_shutdown_leaves_the_shutdown_half_done(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);

            // What TLS002 reports: one call, result ignored. It sends our close_notify and returns 0, never reading.
            var result = LibSsl.SSL_shutdown(connection.Ssl);

            Assert.Equal(0, result);
            Assert.Equal(LibSsl.SentShutdown, connection.ShutdownState);

            // s_server answered with its close_notify and exited, yet nothing reads it: the exchange stays half done.
            server.Expect("DONE", PeerTimeout);
            Assert.True(server.WaitForExit(PeerTimeout), server.Output);
            Assert.Equal(0, connection.ShutdownState & LibSsl.ReceivedShutdown);

            // The driver finishes what the single call left: it reads the waiting close_notify.
            var driven = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);
            Assert.Equal(TlsCloseOutcome.Clean, driven.Outcome);
            Assert.Equal(LibSsl.SentShutdown | LibSsl.ReceivedShutdown, connection.ShutdownState);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void A_second_unlooped_SSL_shutdown_returns_WANT_READ_on_a_non_blocking_socket(SslProtocols protocol)
        {
            using var peer = Serve(protocol, PeerScript.Silent);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);

            var first = LibSsl.SSL_shutdown(connection.Ssl);
            LibSsl.ERR_clear_error();
            var second = LibSsl.SSL_shutdown(connection.Ssl);
            var error = LibSsl.SSL_get_error(connection.Ssl, second);

            Assert.Equal(0, first);
            Assert.Equal(-1, second);
            Assert.Equal(LibSsl.SslErrorWantRead, error);
            Assert.Equal(LibSsl.SentShutdown, connection.ShutdownState);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Drains_data_sent_after_a_callers_own_single_SSL_shutdown(SslProtocols protocol)
        {
            // The peer answers our close_notify with data first, 100 ms late: the data lands while the driver waits.
            using var peer = Serve(protocol, new PeerScript { SendAfterCloseNotify = 100_000, ReplyDelay = TimeSpan.FromMilliseconds(100) });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            Assert.Equal(0, LibSsl.SSL_shutdown(connection.Ssl)); // the caller's own first call: close_notify sent

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            // Had the driver called SSL_shutdown again, OpenSSL would have met the data inside it and failed the
            // connection (SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY is fatal): the drain must use SSL_read.
            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(100_000, result.BytesDrained);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Times_out_when_our_close_notify_cannot_even_be_sent(SslProtocols protocol)
        {
            // A peer that stopped reading: once both socket buffers are full, SSL_shutdown reports SSL_ERROR_WANT_WRITE.
            using var peer = Serve(protocol, new PeerScript { Opening = PeerOpening.StopReading });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            await peer.WaitForHandshakeAsync(); // bytes after our Finished must not reach its handshake
            connection.FillUntilWouldBlock();
            var bound = TimeSpan.FromMilliseconds(500);

            var result = OpenSslShutdown.Drive(connection.Ssl, new TlsCloseOptions { DrainTimeout = bound }, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            AssertWithinBound(bound, result.Elapsed);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Times_out_within_the_bound_when_the_peer_never_answers(SslProtocols protocol)
        {
            using var peer = Serve(protocol, PeerScript.Silent);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            var bound = TimeSpan.FromMilliseconds(500);

            var watch = Stopwatch.StartNew();
            var result = OpenSslShutdown.Drive(connection.Ssl, new TlsCloseOptions { DrainTimeout = bound }, CancellationToken.None);
            watch.Stop();

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            AssertWithinBound(bound, result.Elapsed);
            AssertWithinBound(bound, watch.Elapsed);
            Assert.Equal(LibSsl.SentShutdown, connection.ShutdownState);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Times_out_within_the_bound_when_s_server_is_paused(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);
            server.Pause();
            var bound = TimeSpan.FromMilliseconds(500);

            var result = OpenSslShutdown.Drive(connection.Ssl, new TlsCloseOptions { DrainTimeout = bound }, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            AssertWithinBound(bound, result.Elapsed);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Drains_and_counts_data_the_peer_sends_after_our_close_notify(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { SendAfterCloseNotify = 100_000 });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(100_000, result.BytesDrained);
            var peerReport = await peer.UntilAsync(r => r.PeerSentCloseNotify); // the peer's writes and its close_notify all succeeded
            Assert.True(peerReport.SendError == null && peerReport.BytesSent == 100_000, peerReport.ToString());
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Stops_at_the_byte_limit_when_the_peer_keeps_sending(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { SendAfterCloseNotify = 100_000 });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(
                connection.Ssl, new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5), MaxDrainBytes = 10_000 }, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.InRange(result.BytesDrained, 10_001, 10_000 + (16 * 1024)); // at most one record past the limit
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Reports_a_peer_that_closes_TCP_without_close_notify(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { Reply = PeerReply.Fin });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Reports_s_server_closing_TCP_without_close_notify_before_our_close(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);
            server.CloseWithoutCloseNotify();
            Assert.True(server.WaitForExit(PeerTimeout), server.Output);

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Reports_a_peer_that_resets_after_our_close_notify(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { Reply = PeerReply.Reset });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.PeerReset, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Reports_a_peer_that_reset_before_our_close_notify(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { Opening = PeerOpening.Reset });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            await peer.UntilAsync(r => r.PeerEndedConnection);
            await Task.Delay(100); // on loopback the RST is delivered during the peer's close(); this only adds slack

            var result = OpenSslShutdown.Drive(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.PeerReset, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Loops_through_the_callers_own_binding(SslProtocols protocol)
        {
            // The peer answers 200 ms late, so the driver must wait for the socket at least once.
            using var peer = Serve(protocol, new PeerScript { ReplyDelay = TimeSpan.FromMilliseconds(200) });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            var binding = new CountingCallerBinding(connection.Socket);

            var result = OpenSslShutdown.Drive(connection.Ssl, binding, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(2, binding.Shutdowns); // 0 (close_notify sent), then 1 after SSL_read saw the peer's
            Assert.True(binding.Reads >= 2, $"{binding.Reads} reads");
            Assert.True(binding.Waits >= 1, $"{binding.Waits} waits");
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(150), Bounded.DrainTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Reports_data_it_cannot_drain_through_a_binding_without_the_shutdown_state(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { SendAfterCloseNotify = 1000 });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            Assert.Equal(0, LibSsl.SSL_shutdown(connection.Ssl)); // the caller's own first call
            await peer.UntilAsync(r => r.PeerSentCloseNotify); // its data and close_notify are waiting unread

            // This binding cannot tell the driver that close_notify was already sent, so the driver's SSL_shutdown is
            // the second: it reads, meets application data, and OpenSSL fails the SSL* (APPLICATION_DATA_AFTER_CLOSE_NOTIFY).
            var result = OpenSslShutdown.Drive(connection.Ssl, new CountingCallerBinding(connection.Socket), Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.IsType<System.IO.IOException>(result.BenignError);
            Assert.Contains("APPLICATION_DATA_AFTER_CLOSE_NOTIFY", result.BenignError!.Message, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Completes_through_a_minimal_caller_binding(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(connection.Ssl, new MinimalCallerBinding(connection.Socket), Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Drives_an_SSL_held_by_a_SafeHandle(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);

            var result = OpenSslShutdown.Drive(connection.Handle);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.False(connection.Handle.IsClosed); // the driver never frees the SSL*
        }

        [Fact]
        public void Times_out_through_the_SafeHandle_overload_with_options()
        {
            using var peer = Serve(SslProtocols.Tls13, PeerScript.Silent);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, SslProtocols.Tls13);
            var bound = TimeSpan.FromMilliseconds(300);

            var result = OpenSslShutdown.Drive(connection.Handle, new TlsCloseOptions { DrainTimeout = bound }, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            AssertWithinBound(bound, result.Elapsed);
        }

        [Fact]
        public void Refuses_a_closed_SafeHandle()
        {
            using var peer = Serve(SslProtocols.Tls13, PeerScript.Silent);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, SslProtocols.Tls13);
            connection.Handle.Dispose();

            Assert.Throws<ObjectDisposedException>(() => OpenSslShutdown.Drive(connection.Handle));
        }

        [Fact]
        public void Stops_promptly_when_cancelled_while_the_peer_is_silent()
        {
            using var peer = Serve(SslProtocols.Tls13, PeerScript.Silent);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, SslProtocols.Tls13);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            var watch = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() => OpenSslShutdown.Drive(connection.Ssl, Bounded, cancellation.Token));

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"cancelled after {watch.Elapsed}");
        }

        internal static Socket Listen()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            return listener;
        }

        // The deadline is checked between 50 ms socket waits: the close ends at the bound, never before, and late only by
        // a slice plus scheduling noise.
        private static void AssertWithinBound(TimeSpan bound, TimeSpan elapsed) =>
            Assert.InRange(elapsed, bound, bound + TimeSpan.FromSeconds(1.5));

        /// <summary>The kit's peer as the server the OpenSSL connection under test closes against.</summary>
        private static TlsPeer Serve(SslProtocols protocol, PeerScript script) =>
            TlsPeer.StartServer(new TlsPeerOptions { Protocols = protocol, Script = script });
    }
}
