using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The abort: no close_notify, the peer sees a reset, everything is disposed.</summary>
    public sealed class AbortTests
    {
        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public Task Peer_sees_a_reset_and_no_close_notify(Role role, SslProtocols protocol) =>
            AssertAbortResets(new PairOptions { Ours = role, Protocol = protocol });

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public Task Peer_sees_a_reset_without_TlsTransport(Role role, SslProtocols protocol) =>
            AssertAbortResets(new PairOptions { Ours = role, Protocol = protocol, ObserveTransport = false });

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public Task Peer_sees_a_reset_when_the_SslStream_leaves_its_inner_stream_open(Role role, SslProtocols protocol) =>
            AssertAbortResets(new PairOptions { Ours = role, Protocol = protocol, LeaveInnerStreamOpen = true });

        [Fact]
        public async Task Aborting_a_disposed_stream_does_nothing_more()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            pair.Ours.Dispose();

            TlsClose.Abort(pair.Ours);

            await AssertDisposed(pair.Ours);
        }

        [Fact]
        public void Null_stream_is_refused() => Assert.Throws<ArgumentNullException>(() => TlsClose.Abort(null!));

        private static async Task AssertAbortResets(PairOptions options)
        {
            await using var pair = await TlsPair.ConnectAsync(options);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            TlsClose.Abort(pair.Ours);

            var peer = await Bounded.Wait(pair.PeerDone);
            Assert.True(peer.Outcome == PeerCloseOutcome.ResetWithoutCloseNotify, peer.ToString());
            await AssertDisposed(pair.Ours);
            Assert.Throws<ObjectDisposedException>(() => pair.OurSocket.Available);
        }
    }
}
