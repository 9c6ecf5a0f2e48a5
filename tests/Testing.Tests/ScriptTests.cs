using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>Each scripted behaviour of the peer, observed by the .NET driver: its reads, and the runtime's graceful
    /// close (over a TlsTransport, so that it tells close_notify from FIN), which reports what the peer did.</summary>
    public sealed class ScriptTests
    {
        // A client's TLS 1.3 handshake ends before the server's (which needs the client's Finished): an opening that
        // ends the connection at once could reach the driver's server inside its handshake.
        private static readonly TimeSpan AfterTheServerHandshake = TimeSpan.FromMilliseconds(200);

        private static readonly TlsCloseOptions Drain = new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5) };

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Answering_close_notify_is_a_clean_close_for_the_driver(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, PeerScript.Answer);

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            await driver.Peer.AssertClosedGracefullyAsync();
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Answering_with_a_bare_FIN_is_seen_as_no_close_notify(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { Reply = PeerReply.Fin });

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify, result.Outcome);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Answering_with_a_reset_is_seen_as_a_reset(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { Reply = PeerReply.Reset });

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.PeerReset, result.Outcome);
            var report = await driver.Peer.WaitForCloseAsync();
            Assert.True(report.PeerEndedConnection && report.Outcome == PeerCloseOutcome.CloseNotifyOnly, report.ToString());
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Going_silent_makes_the_driver_drain_time_out(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, PeerScript.Silent);

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, new TlsCloseOptions { DrainTimeout = TimeSpan.FromMilliseconds(300) }));

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            await driver.Peer.AssertClosedAsync(PeerCloseOutcome.CloseNotifyThenFin);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Sending_after_close_notify_is_drained_by_the_driver_then_answered(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { SendAfterCloseNotify = 100_000 });

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(100_000, result.BytesDrained);
            var report = await driver.Peer.AssertClosedGracefullyAsync();
            Assert.Equal(100_000, report.BytesSent);
        }

        [Fact]
        public async Task Sending_slowly_after_close_notify_takes_chunks_times_interval()
        {
            await using var driver = await ObservedAsync(TlsPeerRole.Server, SslProtocols.Tls13,
                new PeerScript { SendAfterCloseNotify = 1000, ChunkSize = 100, ChunkInterval = TimeSpan.FromMilliseconds(50) });

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(1000, result.BytesDrained);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        }

        [Fact]
        public async Task Sending_without_end_after_close_notify_hits_the_driver_byte_limit()
        {
            await using var driver = await ObservedAsync(TlsPeerRole.Client, SslProtocols.Tls13, new PeerScript { SendAfterCloseNotify = -1 });

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5), MaxDrainBytes = 1_000_000 }));

            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.True(result.BytesDrained > 1_000_000, result.ToString());
        }

        [Fact]
        public async Task Reply_delay_holds_the_answer()
        {
            await using var driver = await ObservedAsync(TlsPeerRole.Server, SslProtocols.Tls12, new PeerScript { ReplyDelay = TimeSpan.FromMilliseconds(400) });

            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromSeconds(3));
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Closing_first_sends_close_notify_the_driver_reads_as_the_end(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, PeerScript.CloseFirst);

            Assert.Equal(0, await driver.ReadToEndAsync());
            Assert.False(driver.Transport!.ReachedEnd, "the driver's read ended on the transport's end: no close_notify came");
            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            var report = await driver.Peer.AssertClosedGracefullyAsync();
            Assert.True(report.PeerClosedFirst, report.ToString());
            Assert.EndsWith("; the peer had sent close_notify first (" + PeerCloseReport.Version(protocol) + ")", report.ToString(), StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task FIN_first_ends_the_driver_read_without_close_notify(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { Opening = PeerOpening.FinWithoutCloseNotify, OpeningDelay = AfterTheServerHandshake });

            Assert.Equal(0, await driver.ReadToEndAsync());

            Assert.True(driver.Transport!.ReachedEnd);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Reset_first_fails_the_driver_read_with_a_reset(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { Opening = PeerOpening.Reset, OpeningDelay = AfterTheServerHandshake });

            var (_, error) = await driver.ReadUntilItEndsAsync();

            Assert.True(DotNetDriver.IsReset(error), error?.ToString());
            Assert.True((await driver.Peer.WaitForCloseAsync()).PeerEndedConnection);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Truncated_record_fails_the_driver_read(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { Opening = PeerOpening.TruncatedRecord, OpeningDelay = AfterTheServerHandshake });

            var (bytes, error) = await driver.ReadUntilItEndsAsync();

            // SslStream reports a frame cut by the end of the stream as an IOException with no inner exception.
            var io = Assert.IsType<IOException>(error);
            Assert.Null(io.InnerException);
            Assert.Equal(0, bytes);
        }

        [Fact]
        public async Task Opening_delay_holds_the_opening()
        {
            await using var driver = await ObservedAsync(TlsPeerRole.Server, SslProtocols.Tls13, new PeerScript { Opening = PeerOpening.CloseNotifyFirst, OpeningDelay = TimeSpan.FromMilliseconds(400) });
            var clock = System.Diagnostics.Stopwatch.StartNew();

            Assert.Equal(0, await driver.ReadToEndAsync());

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task Test_driven_exchange_then_actions_reach_the_driver(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, PeerScript.Answer);
            await Bounded.Wait(driver.Tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes("PING")).AsTask());

            Assert.Equal("PING", System.Text.Encoding.ASCII.GetString(await driver.Peer.ReceiveAsync(4)));
            await driver.Peer.SendAsync(System.Text.Encoding.ASCII.GetBytes("PONG"));
            var buffer = new byte[4];
            await Bounded.Wait(driver.Tls.ReadExactlyAsync(buffer).AsTask());
            Assert.Equal("PONG", System.Text.Encoding.ASCII.GetString(buffer));

            await driver.Peer.CloseNotifyAsync();
            Assert.Equal(0, await driver.ReadToEndAsync());
            Assert.False(driver.Transport!.ReachedEnd);
        }

        [Theory]
        [MemberData(nameof(DotNetDriver.Matrix), MemberType = typeof(DotNetDriver))]
        public async Task A_bare_FIN_is_answered_as_scripted_too(TlsPeerRole role, SslProtocols protocol)
        {
            await using var driver = await ObservedAsync(role, protocol, new PeerScript { SendAfterCloseNotify = 1000 });

            driver.Socket.Shutdown(SocketShutdown.Send); // a half-close without close_notify

            Assert.Equal(1000, await driver.ReadToEndAsync());
            Assert.False(driver.Transport!.ReachedEnd, "the peer's answer ended without close_notify");
            await driver.Peer.AssertTruncatedAsync();
        }

        [Fact]
        public async Task Script_changed_before_the_close_is_the_one_that_answers()
        {
            await using var driver = await ObservedAsync(TlsPeerRole.Server, SslProtocols.Tls13, PeerScript.Answer);

            driver.Peer.Script = new PeerScript { Reply = PeerReply.Fin };
            var result = await Bounded.Wait(TlsClose.GracefulAsync(driver.Tls, Drain));

            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify, result.Outcome);
        }

        [Fact]
        public async Task Imperative_reset_and_truncated_record_reach_the_driver()
        {
            await using var reset = await ObservedAsync(TlsPeerRole.Server, SslProtocols.Tls13, PeerScript.Answer);
            reset.Peer.Reset();
            Assert.True(DotNetDriver.IsReset((await reset.ReadUntilItEndsAsync()).Error));

            await using var cut = await ObservedAsync(TlsPeerRole.Client, SslProtocols.Tls12, PeerScript.Answer);
            await cut.Peer.SendTruncatedRecordAsync(500);
            Assert.IsType<IOException>((await cut.ReadUntilItEndsAsync()).Error);

            await using var fin = await ObservedAsync(TlsPeerRole.Server, SslProtocols.Tls12, PeerScript.Answer);
            fin.Peer.CloseWithoutCloseNotify();
            Assert.Equal(0, await fin.ReadToEndAsync());
            Assert.True(fin.Transport!.ReachedEnd);
        }

        private static Task<DotNetDriver> ObservedAsync(TlsPeerRole role, SslProtocols protocol, PeerScript script) =>
            DotNetDriver.ConnectAsync(role, protocol, script, observe: true);
    }
}
