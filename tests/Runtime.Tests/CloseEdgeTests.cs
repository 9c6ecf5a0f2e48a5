using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The graceful close on streams that have nothing to close, and its cancellation.</summary>
    public sealed class CloseEdgeTests
    {
        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Already_disposed_stream_is_AlreadyClosed(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.Ours.Dispose();

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.AlreadyClosed, result.Outcome);
            AssertNothingSwallowed(result);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Stream_already_shut_down_is_still_drained(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = 5000 });
            await Bounded.Wait(pair.Ours.ShutdownAsync());

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(5000, result.BytesDrained);
            Assert.True((await Bounded.Wait(pair.PeerDone)).SawCloseNotify());
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Already_disposed_stream_that_left_its_transport_open_is_AlreadyClosed(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions { LeaveInnerStreamOpen = true });
            pair.Ours.Dispose();

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.AlreadyClosed, result.Outcome);
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Unauthenticated_stream_is_NoSession_and_disposed(Mode mode)
        {
            using var tcp = new TcpListenerPair();
            await tcp.ConnectAsync();
            var ssl = new SslStream(new TlsTransport(tcp.Ours.GetStream()));

            var result = await Close(ssl, mode);

            Assert.Equal(TlsCloseOutcome.NoSession, result.Outcome);
            Assert.Null(result.BenignError);
            Assert.Throws<ObjectDisposedException>(() => tcp.Ours.Client.Available);
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Stream_whose_handshake_failed_is_NoSession(Mode mode)
        {
            using var tcp = new TcpListenerPair();
            await tcp.ConnectAsync();
            var client = new SslStream(tcp.Ours.GetStream());
            using var server = new SslStream(tcp.Peer.GetStream());
            var error = await Bounded.Catch(() => Task.WhenAll(
                client.AuthenticateAsClientAsync(TlsPair.ClientOptions(SslProtocols.Tls13, trustTestCertificate: false)),
                server.AuthenticateAsServerAsync(TlsPair.ServerOptions(SslProtocols.Tls13))));
            Assert.IsType<AuthenticationException>(error);

            var result = await Close(client, mode);

            Assert.Equal(TlsCloseOutcome.NoSession, result.Outcome);
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Stream_without_a_session_is_NoSession(Mode mode)
        {
            var memory = new MemoryStream(new byte[10]);

            var result = await Close(memory, mode);

            Assert.Equal(TlsCloseOutcome.NoSession, result.Outcome);
            Assert.False(memory.CanRead);
        }

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Cancellation_during_the_drain_surfaces_and_disposes(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

            var error = await Bounded.Catch(() => TlsClose.GracefulAsync(pair.Ours, Bounds(drainMilliseconds: 5000), cancel.Token));

            var canceled = Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.Equal(cancel.Token, canceled.CancellationToken);
            await AssertDisposed(pair.Ours);
        }

        [Fact]
        public async Task Token_cancelled_before_the_close_surfaces_and_disposes()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();

            var error = await Bounded.Catch(() => TlsClose.GracefulAsync(pair.Ours, null, cancel.Token));

            // The TLS001 fix puts the close in place of a Dispose() and passes the method's token: a cancelled method
            // must still release the connection.
            Assert.IsAssignableFrom<OperationCanceledException>(error);
            await AssertDisposed(pair.Ours);
        }

        [Fact]
        public async Task Null_stream_is_refused()
        {
            await Assert.ThrowsAsync<ArgumentNullException>(() => TlsClose.GracefulAsync(null!));
            Assert.Throws<ArgumentNullException>(() => TlsClose.Graceful(null!));
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Close_over_a_transport_that_hides_its_socket_is_Clean(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions { HideSocket = true });
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Close_over_a_transport_that_hides_its_socket_is_bounded(Mode mode)
        {
            // Without a socket the blocking close cannot use a receive time-out: it runs the asynchronous close.
            await using var pair = await TlsPair.ConnectAsync(new PairOptions { HideSocket = true });
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 300));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromMilliseconds(800));
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Close_calls_the_ShutdownAsync_override_of_an_SslStream_subclass(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions { CreateOurs = (inner, leaveOpen) => new CountingSslStream(inner, leaveOpen) });
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(1, ((CountingSslStream)pair.Ours).ShutdownCalls);
            Assert.True((await Bounded.Wait(pair.PeerDone)).SawCloseNotify());
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Plain_TCP_stream_is_closed_with_FIN_and_drained(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            using var server = new TcpListenerPair();
            await server.ConnectAsync();
            var peer = server.Peer.GetStream();
            var peerRead = Task.Run(async () =>
            {
                var buffer = new byte[16];
                while (await peer.ReadAsync(buffer) > 0)
                {
                }

                await peer.WriteAsync(new byte[300]);
                server.Peer.Client.Shutdown(SocketShutdown.Send);
            });

            var result = await Close(server.Ours.GetStream(), mode);
            await Bounded.Wait(peerRead);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(300, result.BytesDrained);
        }
    }
}
