using System;
using System.IO;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The netstandard2.0 build finds SslStream.ShutdownAsync at run time. Where a framework has none (.NET
    /// Framework 4.6.x, played here by a close given no shutdown), the close sends a FIN instead, still drains and
    /// disposes, and reports <see cref="TlsCloseOutcome.CloseNotifyUnsupported"/>.</summary>
    public sealed class ShutdownLookupTests
    {
        [Fact]
        public void Lookup_finds_the_public_ShutdownAsync_of_SslStream_on_this_framework()
        {
            Assert.NotNull(SslShutdown.Start);
        }

        [Fact]
        public void Lookup_on_a_type_without_ShutdownAsync_finds_nothing()
        {
            Assert.Null(SslShutdown.Find<Stream>());
        }

        [Fact]
        public void Cached_delegate_dispatches_to_the_override_and_lets_its_exception_through_unwrapped()
        {
            // Unauthenticated: SslStream's ShutdownAsync throws at once, after the override counted the call.
            using var stream = new CountingSslStream(new MemoryStream(), leaveInnerStreamOpen: false);

            Assert.Throws<InvalidOperationException>(() => { _ = SslShutdown.Start!(stream); });
            Assert.Equal(1, stream.ShutdownCalls);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Without_ShutdownAsync_the_close_sends_a_FIN_drains_and_reports_CloseNotifyUnsupported(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = 5000 });

            var result = await CloseWithoutShutdown(pair.Ours, mode, Bounds(drainMilliseconds: 5000));

            Assert.Equal(TlsCloseOutcome.CloseNotifyUnsupported, result.Outcome);
            Assert.Equal(5000, result.BytesDrained);
            Assert.Null(result.BenignError);
            Assert.True(result.Elapsed < TimeSpan.FromSeconds(2), $"the FIN made the peer close, the drain must not wait for the time-out: {result}");
            var peer = await Bounded.Wait(pair.PeerDone);
            Assert.True(peer.Outcome == PeerCloseOutcome.FinWithoutCloseNotify, peer.ToString());
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Without_ShutdownAsync_LeaveOpen_keeps_the_drained_stream(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var result = await CloseWithoutShutdown(pair.Ours, mode, Bounds(leaveOpen: true));

            Assert.Equal(TlsCloseOutcome.CloseNotifyUnsupported, result.Outcome);
            Assert.Equal(0, await Bounded.Wait(pair.Ours.ReadAsync(new byte[1]).AsTask()));
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Without_ShutdownAsync_or_a_socket_the_close_disposes_at_once(Mode mode)
        {
            // Nothing can tell the peer to close (no close_notify, no FIN under the opaque transport): no drain to wait on.
            await using var pair = await TlsPair.ConnectAsync(new PairOptions { HideSocket = true });
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);

            var result = await CloseWithoutShutdown(pair.Ours, mode, Bounds(drainMilliseconds: 5000));

            Assert.Equal(TlsCloseOutcome.CloseNotifyUnsupported, result.Outcome);
            Assert.True(result.Elapsed < TimeSpan.FromSeconds(1), result.ToString());
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Without_ShutdownAsync_a_silent_peer_still_bounds_the_close(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);

            var result = await CloseWithoutShutdown(pair.Ours, mode, Bounds(drainMilliseconds: 300));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            await AssertDisposed(pair.Ours);
        }

        /// <summary>The graceful close as it runs on a framework whose SslStream has no ShutdownAsync.</summary>
        private static Task<TlsCloseResult> CloseWithoutShutdown(Stream stream, Mode mode, TlsCloseOptions options) =>
            mode == Mode.Async
                ? Bounded.Wait(TlsClose.GracefulCoreAsync(new CloseRun(stream, options, shutdownAsync: null), CancellationToken.None))
                : Bounded.OnThread(() => TlsClose.Graceful(new CloseRun(stream, options, shutdownAsync: null)));
    }
}
