using System;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>Every wait of the peer ends: at its timeout, at its token, at dispose; arguments that would make one
    /// endless are refused. And the certificate is what a driver can trust.</summary>
    public sealed class BoundsTests
    {
        [Fact]
        public async Task Cancelled_wait_throws_OperationCanceledException_and_leaves_the_peer_running()
        {
            using var peer = TlsPeer.StartServer();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => peer.WaitForCloseAsync(TimeSpan.FromSeconds(30), cancel.Token));

            Assert.Equal(PeerCloseOutcome.Open, peer.CurrentReport().Outcome);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        public async Task Timeouts_must_be_positive(int milliseconds)
        {
            using var peer = TlsPeer.StartServer();

            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => peer.WaitForCloseAsync(TimeSpan.FromMilliseconds(milliseconds)));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => peer.WaitForCloseAsync(Timeout.InfiniteTimeSpan));
            Assert.Throws<ArgumentOutOfRangeException>(() => TlsPeer.StartServer(new TlsPeerOptions { Timeout = TimeSpan.FromMilliseconds(milliseconds) }));
        }

        [Fact]
        public void Scripts_that_cannot_run_are_refused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => TlsPeer.StartServer(new TlsPeerOptions { Script = new PeerScript { ChunkSize = 0 } }));
            Assert.Throws<ArgumentOutOfRangeException>(() => TlsPeer.StartServer(new TlsPeerOptions { Script = new PeerScript { SendAfterCloseNotify = -2 } }));
            Assert.Throws<ArgumentOutOfRangeException>(() => TlsPeer.StartServer(new TlsPeerOptions { Script = new PeerScript { ReplyDelay = TimeSpan.FromSeconds(-1) } }));
            Assert.Throws<ArgumentNullException>(() => TlsPeer.StartClient(null!));
        }

        [Fact]
        public async Task Receive_that_never_comes_fails_at_its_timeout_with_what_was_seen()
        {
            await using var driver = await DotNetDriver.ConnectAsync(TlsPeerRole.Server, System.Security.Authentication.SslProtocols.Tls13);
            await driver.SendAsync(3);
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => driver.Peer.ReceiveAsync(10, TimeSpan.FromMilliseconds(300)));

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
            Assert.Contains("after 3 bytes", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("expected 10 more bytes after the 0 already received.", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Dispose_of_a_peer_nobody_connected_to_is_quick_and_final()
        {
            var peer = TlsPeer.StartServer(new TlsPeerOptions { Timeout = TimeSpan.FromSeconds(30) });
            var clock = Stopwatch.StartNew();

            peer.Dispose();

            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
            var report = await peer.WaitForCloseAsync(TimeSpan.FromSeconds(1));
            Assert.True(report.IsFinal);
            Assert.Equal(PeerCloseOutcome.NotConnected, report.Outcome);
        }

        [Fact]
        public async Task Dispose_during_a_silent_close_ends_the_peer_and_says_it_ended_the_connection()
        {
            await using var driver = await DotNetDriver.ConnectAsync(TlsPeerRole.Server, System.Security.Authentication.SslProtocols.Tls12, PeerScript.Silent);
            await Bounded.Wait(driver.Tls.ShutdownAsync());
            await driver.Peer.WaitForCloseNotifyAsync();

            await driver.Peer.DisposeAsync();

            var report = driver.Peer.CurrentReport();
            Assert.True(report.IsFinal && report.PeerEndedConnection, report.ToString());
            Assert.Equal(PeerCloseOutcome.CloseNotifyOnly, report.Outcome);
            Assert.Contains("left the TCP connection open until the peer closed it", report.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void Certificate_is_for_localhost_and_127_0_0_1_and_trusted_only_by_itself()
        {
            var shared = PeerCertificate.Shared;
            var other = PeerCertificate.Create("example.test");

            Assert.True(shared.Certificate.HasPrivateKey);
            Assert.Equal("CN=localhost", shared.Certificate.Subject);
            var names = shared.Certificate.Extensions["2.5.29.17"]!.Format(false);
            Assert.Contains("localhost", names, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1", names, StringComparison.Ordinal);
            Assert.Equal(shared.Certificate.GetCertHashString(), shared.Thumbprint);
            Assert.True(shared.ValidationCallback(this, shared.Certificate, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(shared.ValidationCallback(this, other.Certificate, null, System.Net.Security.SslPolicyErrors.None));
            Assert.False(shared.Matches(null));
            Assert.Equal(shared.Thumbprint, X509Certificate2.CreateFromPem(shared.CertificatePem).Thumbprint);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", shared.PrivateKeyPemOrNull, StringComparison.Ordinal);
            Assert.Same(shared, PeerCertificate.Shared);
            Assert.Throws<ArgumentException>(() => PeerCertificate.Create(""));
            Assert.Null(PeerCertificate.From(other.Certificate).PrivateKeyPemOrNull);
        }
    }
}
