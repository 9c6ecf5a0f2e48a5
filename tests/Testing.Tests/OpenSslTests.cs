using System;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>The peer against OpenSSL's own command-line endpoints: <c>openssl s_client</c> as the driver of a server
    /// peer, <c>openssl s_server</c> as the driver of a client peer. Each outcome is produced by what openssl really does
    /// (its graceful close, its exit, its kill while data waits unread), and each opening of the peer is seen by openssl.</summary>
    public sealed class OpenSslTests
    {
        private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

        public static TheoryData<SslProtocols> Versions => new TheoryData<SslProtocols> { SslProtocols.Tls12, SslProtocols.Tls13 };

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_client_ending_its_input_closes_with_close_notify_then_FIN(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol));
            using var client = OpenSslProcess.StartClient(peer.Port, protocol, ignoreEof: false);
            await peer.WaitForHandshakeAsync();
            client.Send("hello\n");
            await peer.ReceiveAsync(6);

            client.EndInput();

            var report = await peer.AssertClosedGracefullyAsync();
            Assert.Equal("hello\n", System.Text.Encoding.ASCII.GetString(report.Received));
            Assert.Equal(protocol, report.Protocol);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_client_killed_is_a_FIN_without_close_notify(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol));
            var client = OpenSslProcess.StartClient(peer.Port, protocol);
            await peer.WaitForHandshakeAsync();

            client.Dispose();

            await peer.AssertTruncatedAsync();
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_client_killed_with_unread_data_is_a_reset_without_close_notify(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol));
            var client = OpenSslProcess.StartClient(peer.Port, protocol);

            await KillWithUnreadDataAsync(client, peer);

            await peer.AssertClosedAsync(PeerCloseOutcome.ResetWithoutCloseNotify);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_client_idle_is_Open(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol));
            using var client = OpenSslProcess.StartClient(peer.Port, protocol);
            await peer.WaitForHandshakeAsync();

            await peer.AssertStillOpenAsync(TimeSpan.FromMilliseconds(300));
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Closing_first_is_read_by_s_client_as_close_notify_and_answered(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol, PeerScript.CloseFirst));
            using var client = OpenSslProcess.StartClient(peer.Port, protocol);

            client.Expect("closed", Step); // s_client's SSL_read returned 0 on our close_notify (SSL_ERROR_ZERO_RETURN)

            var report = await peer.AssertClosedGracefullyAsync();
            Assert.True(report.PeerClosedFirst);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Reset_first_is_read_by_s_client_as_a_reset(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol, new PeerScript { Opening = PeerOpening.Reset, OpeningDelay = TimeSpan.FromMilliseconds(200) }));
            using var client = OpenSslProcess.StartClient(peer.Port, protocol);

            client.Expect("read:errno=104", Step); // ECONNRESET

            Assert.DoesNotContain("closed", client.Output, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task FIN_first_is_read_by_s_client_as_an_unexpected_eof(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol, new PeerScript { Opening = PeerOpening.FinWithoutCloseNotify, OpeningDelay = TimeSpan.FromMilliseconds(200) }));
            using var client = OpenSslProcess.StartClient(peer.Port, protocol);

            client.Expect("unexpected eof", Step); // OpenSSL 3 refuses a TCP end without close_notify

            Assert.DoesNotContain("closed", client.Output, StringComparison.Ordinal);
            // s_client answers the truncation with a fatal alert, not close_notify.
            await peer.AssertClosedAsync(PeerCloseOutcome.ProtocolError);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Truncated_record_is_read_by_s_client_as_an_error(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(Options(protocol, new PeerScript { Opening = PeerOpening.TruncatedRecord, OpeningDelay = TimeSpan.FromMilliseconds(200) }));
            using var client = OpenSslProcess.StartClient(peer.Port, protocol);

            client.Expect("unexpected eof", Step);

            Assert.DoesNotContain("closed", client.Output, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_server_answers_the_peer_close_with_close_notify_then_FIN(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var peer = TlsPeer.StartClient(server.EndPoint, Options(protocol, new PeerScript { Opening = PeerOpening.CloseNotifyFirst, OpeningDelay = TimeSpan.FromMilliseconds(100) }));

            server.Expect("DONE", Step); // s_server's SSL_read returned 0 on the peer's close_notify

            var report = await peer.AssertClosedGracefullyAsync();
            Assert.True(report.PeerClosedFirst);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_server_q_command_is_a_FIN_without_close_notify(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var peer = TlsPeer.StartClient(server.EndPoint, Options(protocol));
            await peer.WaitForHandshakeAsync();
            await peer.SendAsync(System.Text.Encoding.ASCII.GetBytes("hi\n"));
            server.Expect("hi", Step);

            server.CloseWithoutCloseNotify();

            var report = await peer.AssertTruncatedAsync();
            Assert.Equal(0, report.BytesReceived);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_server_killed_with_unread_data_is_a_reset_without_close_notify(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var peer = TlsPeer.StartClient(server.EndPoint, Options(protocol));

            await KillWithUnreadDataAsync(server, peer);

            await peer.AssertClosedAsync(PeerCloseOutcome.ResetWithoutCloseNotify);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task s_server_sending_data_is_received(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var peer = TlsPeer.StartClient(server.EndPoint, Options(protocol));
            await peer.WaitForHandshakeAsync();

            server.Send("banner\n");

            Assert.Equal("banner\n", System.Text.Encoding.ASCII.GetString(await peer.ReceiveAsync(7)));
        }

        /// <summary>Stops the openssl process (SIGSTOP), sends it data it will never read, then kills it: the kernel
        /// closes a socket with unread data by a reset.</summary>
        private static async Task KillWithUnreadDataAsync(OpenSslProcess process, TlsPeer peer)
        {
            await peer.WaitForHandshakeAsync();
            await Task.Delay(200); // openssl's read of the TLS 1.3 tickets, before it stops
            process.Pause();
            await peer.SendAsync(new byte[4000]);
            await Task.Delay(100);
            process.Dispose();
        }

        private static TlsPeerOptions Options(SslProtocols protocol, PeerScript? script = null) =>
            new TlsPeerOptions { Protocols = protocol, Script = script };
    }
}
