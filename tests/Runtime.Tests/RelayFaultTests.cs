using System;
using System.IO;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The graceful close when the network between the two ends fails: a reset in the middle of the drain,
    /// a middlebox that drops one leg, a stall, a tampered record.</summary>
    public sealed class RelayFaultTests
    {
        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Reset_in_the_middle_of_the_drain_is_PeerReset(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol, relay: true);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = -1, ChunkSize = 16 * 1024 });
            pair.Relay!.ResetAfter(role, 200_000);

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 5000, maxBytes: 50_000_000));

            Assert.Equal(TlsCloseOutcome.PeerReset, result.Outcome);
            Assert.InRange(result.BytesDrained, 1, 200_000);
            Assert.NotNull(result.BenignError);
            AssertNothingSwallowed(result);
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Peer_leg_dropped_by_a_middlebox_times_out(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol, relay: true);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);
            pair.Relay!.Reset(role == Role.Client ? Role.Server : Role.Client);

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 400));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromMilliseconds(900));
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Stalled_network_times_out_although_the_peer_would_answer(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol, relay: true);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);
            pair.Relay!.Stall();

            var result = await Close(pair.Ours, mode, Bounds(drainMilliseconds: 400));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromMilliseconds(900));
            Assert.Null(result.BenignError);
        }

        [Theory]
        [MemberData(nameof(RolesProtocolsModes), MemberType = typeof(Matrix))]
        public async Task Tampered_record_during_the_drain_is_not_swallowed(Role role, SslProtocols protocol, Mode mode)
        {
            await using var pair = await Connect(role, protocol, relay: true);
            await pair.PingAsync();
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = 1000 });
            pair.Relay!.CorruptNextTo(role);

            var error = await Bounded.Catch(() => Close(pair.Ours, mode));

            var io = Assert.IsType<IOException>(error);
            Assert.False(TlsErrors.IsBenign(io), io.ToString());
            await AssertDisposed(pair.Ours);
        }
    }
}
