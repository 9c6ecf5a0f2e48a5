using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.OpenSsl;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary><see cref="TlsClose.Notify(Stream?)"/>, the close for Dispose and callbacks: close_notify written
    /// within a short bound, no wait for the peer, never an exception, null accepted.</summary>
    public sealed class NotifyTests
    {
        // Far above the 250 ms write bound, far below a drain timeout: a Notify that waited for the peer would exceed it.
        private static readonly TimeSpan Quick = TimeSpan.FromSeconds(1);

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Peer_sees_our_close_notify(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var sent = await Bounded.OnThread(() => TlsClose.Notify(pair.Ours));

            Assert.True(sent);
            var peer = await Bounded.Wait(pair.PeerDone);
            Assert.True(peer.SawCloseNotify(), peer.ToString());
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Silent_peer_does_not_hold_the_close(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Silent);

            var watch = Stopwatch.StartNew();
            var sent = await Bounded.OnThread(() => TlsClose.Notify(pair.Ours));

            Assert.True(sent);
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, Quick);
            await AssertDisposed(pair.Ours);
        }

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Peer_that_reset_the_connection_is_no_exception(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol, relay: true);
            await pair.PingAsync();
            pair.Relay!.Reset(role);
            await Task.Delay(50);

            // Whether the alert left before the reset arrived is a race; that Notify returns, quickly, is not.
            var watch = Stopwatch.StartNew();
            await Bounded.OnThread(() => TlsClose.Notify(pair.Ours));

            Assert.InRange(watch.Elapsed, TimeSpan.Zero, Quick);
            await AssertDisposed(pair.Ours);
        }

        [Fact]
        public async Task Write_that_cannot_finish_is_abandoned_at_the_bound()
        {
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13, relay: true);
            await pair.PingAsync();
            pair.Relay!.Stall();

            // Fill every buffer between us and the stalled relay until a write stays pending: the alert cannot
            // be written now, and SslStream refuses a second write while one is pending.
            var chunk = new byte[64 * 1024];
            Task pending;
            do
            {
                pending = pair.Ours.WriteAsync(chunk).AsTask();
            }
            while (await Task.WhenAny(pending, Task.Delay(200)) == pending);

            var watch = Stopwatch.StartNew();
            var sent = await Bounded.OnThread(() => TlsClose.Notify(pair.Ours, TimeSpan.FromMilliseconds(100)));

            Assert.False(sent);
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, Quick);
            await AssertDisposed(pair.Ours);
            await Bounded.Catch(() => pending);
            pair.Relay.Resume();
        }

        [Fact]
        public void Null_stream_is_nothing_to_close() => Assert.False(TlsClose.Notify(null));

        [Fact]
        public async Task Disposed_stream_is_nothing_to_close()
        {
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            pair.Ours.Dispose();

            Assert.False(TlsClose.Notify(pair.Ours));
        }

        [Fact]
        public void Stream_never_authenticated_is_only_disposed()
        {
            var ssl = new SslStream(new MemoryStream());

            Assert.False(TlsClose.Notify(ssl));
            Assert.Throws<ObjectDisposedException>(() => ssl.Write(new byte[1], 0, 1));
        }

        [Fact]
        public void Stream_that_throws_from_Dispose_does_not_make_Notify_throw() =>
            Assert.False(TlsClose.Notify(new ThrowingStream()));

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        public void Write_bound_must_be_positive(int milliseconds) =>
            Assert.Throws<ArgumentOutOfRangeException>(() => TlsClose.Notify(null, TimeSpan.FromMilliseconds(milliseconds)));

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public async Task OpenSsl_s_server_reads_our_close_notify(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            var tls = await TlsCloseOpenSslPeerTests.ConnectAsync(server.Port, protocol);

            var sent = await Bounded.OnThread(() => TlsClose.Notify(tls));

            Assert.True(sent);
            server.Expect("DONE", TimeSpan.FromSeconds(10)); // s_server's SSL_read returned 0 on our close_notify
            Assert.DoesNotContain("ERROR", server.Output, StringComparison.Ordinal);
        }

        private sealed class ThrowingStream : MemoryStream
        {
            protected override void Dispose(bool disposing) => throw new InvalidOperationException("a broken layer");
        }
    }
}
