using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using Xunit.Abstractions;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The graceful close against a scripted .NET peer, with our side as client and as server, over TLS 1.2
    /// and 1.3, awaited and blocking.</summary>
    public sealed class GracefulCloseTests(ITestOutputHelper output)
    {
        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Clean_exchange_is_Clean_with_TlsTransport(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.True(result.IsClean);
            Assert.Equal(0, result.BytesDrained);
            Assert.Null(result.BenignError);
            var peer = await Bounded.Wait(pair.PeerDone);
            Assert.True(peer.SawCloseNotify(), peer.ToString());
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Clean_exchange_is_EndOfStream_without_TlsTransport(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol, observe: false);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.EndOfStream, result.Outcome);
            Assert.Null(result.BenignError);
            Assert.True((await Bounded.Wait(pair.PeerDone)).SawCloseNotify());
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Peer_closing_TCP_without_close_notify_is_reported_and_never_Clean(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { Reply = PeerReply.Fin });

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify, result.Outcome);
            Assert.False(result.IsClean);
            AssertNothingSwallowed(result);
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Peer_closing_TCP_without_close_notify_is_not_Clean_without_TlsTransport(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol, observe: false);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { Reply = PeerReply.Fin });

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.EndOfStream, result.Outcome);
            AssertNothingSwallowed(result);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Peer_reset_during_the_drain_is_PeerReset_with_the_benign_error(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { Reply = PeerReply.Reset });

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.PeerReset, result.Outcome);
            Assert.NotNull(result.BenignError);
            Assert.True(TlsErrors.IsBenign(result.BenignError!), result.BenignError!.ToString());
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Data_after_our_close_notify_is_drained_and_counted(Role role, SslProtocols protocol, Mode mode)
        {
            const int Sent = 100_000;
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = Sent });

            var result = await Close(pair.Ours, mode);

            var peer = await Bounded.Wait(pair.PeerDone);
            Assert.Null(peer.SendError);
            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(Sent, result.BytesDrained);
            Assert.Null(result.BenignError);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Close_after_the_peer_closed_first_is_Clean(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            await pair.Peer.CloseNotifyAsync();
            Assert.Equal(0, await Bounded.Wait(pair.Ours.ReadAsync(new byte[1])));
            pair.StartPeer(new PeerScript { Reply = PeerReply.Fin });

            var result = await Close(pair.Ours, mode);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.True((await Bounded.Wait(pair.PeerDone)).SawCloseNotify());
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Zero_byte_limit_refuses_any_data_after_close_notify(Mode mode)
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = 1 });

            var result = await Close(pair.Ours, mode, Bounds(maxBytes: 0));

            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.Equal(1, result.BytesDrained);
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Silent_peer_times_out_within_the_drain_timeout(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 400));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromMilliseconds(900));
            Assert.Null(result.BenignError);
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Flooding_peer_stops_at_the_byte_limit_in_bounded_memory(Role role, SslProtocols protocol, Mode mode)
        {
            const long Limit = 4 * 1024 * 1024;
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = -1, ChunkSize = 16 * 1024 });

            // Process-wide count: it includes the peer's own writes, so the bound is loose but still far below what
            // buffering the drained bytes would cost.
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 5000, maxBytes: Limit));
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            output.WriteLine($"{result}; {allocated} bytes allocated in the process meanwhile");
            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.InRange(result.BytesDrained, Limit + 1, Limit + (32 * 1024));
            Assert.True(allocated < Limit / 2, $"{allocated} bytes allocated while draining {result.BytesDrained}");
            AssertNothingSwallowed(result);
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Trickling_peer_times_out_with_what_it_sent_counted(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = -1, ChunkSize = 100, ChunkInterval = TimeSpan.FromMilliseconds(20) });

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 400));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            Assert.InRange(result.BytesDrained, 100, 100 * 40);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromMilliseconds(900));
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task LeaveOpen_keeps_the_stream_after_a_clean_close(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.OurSocket.ReceiveTimeout = 12345;
            pair.StartPeer(PeerScript.Answer);

            var result = await Close(pair.Ours, mode, Bounds(leaveOpen: true));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(0, await Bounded.Wait(pair.Ours.ReadAsync(new byte[1])));
            Assert.Equal(12345, pair.OurSocket.ReceiveTimeout);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task LeaveOpen_does_not_keep_a_stream_that_timed_out(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 300, leaveOpen: true));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            await AssertDisposed(pair.Ours);
        }
    }
}
