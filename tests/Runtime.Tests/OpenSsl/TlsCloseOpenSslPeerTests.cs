using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>The managed graceful close (<see cref="TlsClose"/>) of a .NET <see cref="SslStream"/> against OpenSSL's
    /// own command-line peers: a .NET client to <c>openssl s_server</c>, a .NET server to <c>openssl s_client</c>.</summary>
    public sealed class TlsCloseOpenSslPeerTests
    {
        private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(10);
        private static readonly TlsCloseOptions Bounded = new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5) };

        // Below PIPE_BUF (4096): one atomic write to the peer's stdin, read in one piece, sent as one TLS record.
        private const int PayloadLength = 4000;

        public static TheoryData<SslProtocols> Versions => new TheoryData<SslProtocols> { SslProtocols.Tls12, SslProtocols.Tls13 };

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Client_close_to_s_server_is_a_clean_exchange(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            var tls = await ConnectAsync(server.Port, protocol);

            var result = await TlsClose.GracefulAsync(tls, Bounded);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(0, result.BytesDrained);
            server.Expect("DONE", PeerTimeout); // s_server's SSL_read returned 0 on our close_notify
            Assert.DoesNotContain("ERROR", server.Output, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Client_close_without_TlsTransport_reports_only_the_end_of_stream(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            var tls = await ConnectAsync(server.Port, protocol, observeTransport: false);

            var result = await TlsClose.GracefulAsync(tls, Bounded);

            // SslStream returns 0 for a close_notify and for a bare FIN alike: without the observer it cannot say which.
            Assert.Equal(TlsCloseOutcome.EndOfStream, result.Outcome);
            server.Expect("DONE", PeerTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Client_close_reports_s_server_dropping_TCP_without_close_notify(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            var tls = await ConnectAsync(server.Port, protocol);
            server.CloseWithoutCloseNotify();
            Assert.True(server.WaitForExit(PeerTimeout), server.Output);

            var result = await TlsClose.GracefulAsync(tls, Bounded);

            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Client_close_drains_what_s_server_sent_before_it_saw_our_close_notify(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            var tls = await ConnectAsync(server.Port, protocol);

            // s_server handles its stdin before its socket when both are ready, so these bytes leave before it reads
            // our close_notify; we have not read them: the drain must.
            server.Send(new string('x', PayloadLength));
            var result = await TlsClose.GracefulAsync(tls, Bounded);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(PayloadLength, result.BytesDrained);
            server.Expect("DONE", PeerTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Client_abort_is_seen_by_s_server_as_an_error_not_a_clean_end(SslProtocols protocol)
        {
            // Linux reports a reset once, to the first call that meets it; later reads return 0 as for a FIN. With TLS 1.3
            // s_server writes its session tickets after our Finished, so that write can race our RST and take the error
            // (seen in 3 runs of 25). Without tickets its next call after the handshake is the read that must see it.
            using var server = OpenSslProcess.StartServer(protocol, "-num_tickets", "0");
            var tls = await ConnectAsync(server.Port, protocol);

            TlsClose.Abort(tls);

            server.Expect("ERROR", PeerTimeout); // SSL_read failed (ECONNRESET): no close_notify came
            Assert.True(server.WaitForExit(PeerTimeout), server.Output);
            Assert.DoesNotContain("DONE", server.Output, StringComparison.Ordinal);
            // s_server prints no reason for ECONNRESET, but prints "unexpected eof" when read() returns 0 (a FIN).
            Assert.False(server.Output.Contains("unexpected eof", StringComparison.Ordinal), server.Output);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Server_close_to_s_client_is_a_clean_exchange(SslProtocols protocol)
        {
            using var listener = OpenSslShutdownTests.Listen();
            using var client = OpenSslProcess.StartClient(((IPEndPoint)listener.LocalEndPoint!).Port, protocol);
            var (tls, _) = await AcceptAsync(listener, protocol);

            var result = await TlsClose.GracefulAsync(tls, Bounded);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            client.Expect("closed", PeerTimeout); // s_client's SSL_read saw our close_notify
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Server_close_drains_what_s_client_sent_and_we_did_not_read(SslProtocols protocol)
        {
            using var listener = OpenSslShutdownTests.Listen();
            using var client = OpenSslProcess.StartClient(((IPEndPoint)listener.LocalEndPoint!).Port, protocol);
            var (tls, socket) = await AcceptAsync(listener, protocol);

            client.Send(new string('x', PayloadLength));
            await WaitForBytesAsync(socket, PayloadLength + 22); // one record: 5-byte header, 16-byte tag, type byte or more
            var result = await TlsClose.GracefulAsync(tls, Bounded);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(PayloadLength, result.BytesDrained);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task Server_abort_is_seen_by_s_client_as_a_reset(SslProtocols protocol)
        {
            using var listener = OpenSslShutdownTests.Listen();
            using var client = OpenSslProcess.StartClient(((IPEndPoint)listener.LocalEndPoint!).Port, protocol);
            var (tls, _) = await AcceptAsync(listener, protocol);

            TlsClose.Abort(tls);

            client.Expect("read:errno=104", PeerTimeout); // ECONNRESET
            Assert.DoesNotContain("closed", client.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("unexpected eof", client.Output, StringComparison.Ordinal); // a reset, not a FIN
        }

        internal static async Task<SslStream> ConnectAsync(int port, SslProtocols protocol, bool observeTransport = true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(PeerTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);

            // TlsTransport under the SslStream lets the close tell a close_notify from a bare FIN.
            var network = new NetworkStream(socket, ownsSocket: true);
            var tls = new SslStream(observeTransport ? new TlsTransport(network) : network);
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = protocol,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        certificate?.GetCertHashString() == TestCertificate.Instance.Certificate.Thumbprint,
                },
                timeout.Token);
            return tls;
        }

        private static async Task<(SslStream Tls, Socket Socket)> AcceptAsync(Socket listener, SslProtocols protocol)
        {
            using var timeout = new CancellationTokenSource(PeerTimeout);
            var socket = await listener.AcceptAsync(timeout.Token);
            socket.NoDelay = true;
            var tls = new SslStream(new TlsTransport(new NetworkStream(socket, ownsSocket: true)));
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificate = TestCertificate.Instance.Certificate, EnabledSslProtocols = protocol },
                timeout.Token);
            return (tls, socket);
        }

        private static async Task WaitForBytesAsync(Socket socket, int count)
        {
            using var timeout = new CancellationTokenSource(PeerTimeout);
            while (socket.Available < count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }
    }
}
