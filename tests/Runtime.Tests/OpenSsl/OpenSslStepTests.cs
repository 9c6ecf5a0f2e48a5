using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>The OpenSSL shutdown for event loops, on a real <c>SSL*</c> over a non-blocking loopback socket against
    /// <c>openssl s_server</c> / <c>s_client</c> and the kit's .NET peer: the step API (<see cref="OpenSslShutdownOperation"/>),
    /// which never waits and says what it waits for, and <see cref="OpenSslShutdown.DriveAsync(IntPtr)"/>, which awaits the
    /// socket's readiness between steps instead of polling.</summary>
    public sealed class OpenSslStepTests
    {
        private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(10);
        private static readonly TlsCloseOptions Bounded = new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5) };

        // A step makes a few OpenSSL calls on a socket that is not ready; it takes microseconds. The margin is for a
        // loaded 2-core machine; a step that waited for the peer (200 ms late below) or slept would exceed it.
        private static readonly TimeSpan StepBudget = TimeSpan.FromMilliseconds(100);

        public static TheoryData<SslProtocols> Versions => new TheoryData<SslProtocols> { SslProtocols.Tls12, SslProtocols.Tls13 };

        [Theory]
        [MemberData(nameof(Versions))]
        public void Steps_driven_by_the_callers_loop_complete_the_shutdown_with_s_server(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);

            var (result, steps, _) = RunLoop(connection, OpenSslShutdown.Begin(connection.Ssl, Bounded));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.InRange(steps, 1, 10);
            Assert.Equal(LibSsl.SentShutdown | LibSsl.ReceivedShutdown, connection.ShutdownState);
            server.Expect("DONE", PeerTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void Steps_complete_the_shutdown_as_a_server_with_s_client(SslProtocols protocol)
        {
            using var listener = OpenSslShutdownTests.Listen();
            using var client = OpenSslProcess.StartClient(((IPEndPoint)listener.LocalEndPoint!).Port, protocol);
            using var connection = OpenSslConnection.Accept(listener, protocol);

            var (result, _, _) = RunLoop(connection, OpenSslShutdown.Begin(connection.Ssl, OpenSslBinding.LibSsl3, Bounded));

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            client.Expect("closed", PeerTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void A_step_never_waits_for_a_late_peer_and_says_it_waits_for_readable(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { ReplyDelay = TimeSpan.FromMilliseconds(200) });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            var operation = OpenSslShutdown.Begin(connection.Ssl, Bounded);

            var watch = Stopwatch.StartNew();
            var first = operation.Step();
            var second = operation.Step();
            watch.Stop();

            Assert.Equal(OpenSslWait.Readable, first);
            Assert.Equal(OpenSslWait.Readable, second); // nothing arrived: the step says so again, at once
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, StepBudget);
            Assert.False(operation.IsDone);
            Assert.Throws<InvalidOperationException>(() => operation.Result);

            var (result, _, longest) = RunLoop(connection, operation);
            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.InRange(longest, TimeSpan.Zero, StepBudget);
            Assert.Equal(OpenSslWait.Done, operation.Step()); // and on every later call
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task A_step_says_writable_when_our_close_notify_cannot_be_written(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { Opening = PeerOpening.StopReading });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            await peer.WaitForHandshakeAsync();

            // Filled until a round finds no room left (Linux reopens room as the peer's window takes segments).
            Load.LoadConnection.FillSendPath(connection.Socket);
            var operation = OpenSslShutdown.Begin(connection.Ssl, new TlsCloseOptions { DrainTimeout = TimeSpan.FromMilliseconds(300) });

            var watch = Stopwatch.StartNew();
            var wait = operation.Step();
            watch.Stop();

            Assert.Equal(OpenSslWait.Writable, wait);
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, StepBudget);
            Thread.Sleep(operation.Remaining + TimeSpan.FromMilliseconds(20));
            Assert.Equal(OpenSslWait.Done, operation.Step()); // the step after the deadline ends it
            Assert.Equal(TlsCloseOutcome.DrainTimedOut, operation.Result.Outcome);
            Assert.Equal(TimeSpan.Zero, operation.Remaining);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public void One_step_drains_no_more_than_the_byte_limit_allows(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { SendAfterCloseNotify = -1 });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            var operation = OpenSslShutdown.Begin(connection.Ssl, new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(5), MaxDrainBytes = 40_000 });

            var (result, _, longest) = RunLoop(connection, operation);

            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.InRange(result.BytesDrained, 40_001, 40_000 + (16 * 1024));
            Assert.InRange(longest, TimeSpan.Zero, StepBudget);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task DriveAsync_completes_the_shutdown_with_s_server(SslProtocols protocol)
        {
            using var server = OpenSslProcess.StartServer(protocol);
            using var connection = OpenSslConnection.Connect(server.EndPoint, protocol);

            var result = await OpenSslShutdown.DriveAsync(connection.Ssl);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(LibSsl.SentShutdown | LibSsl.ReceivedShutdown, connection.ShutdownState);
            server.Expect("DONE", PeerTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task DriveAsync_completes_the_shutdown_as_a_server_with_s_client(SslProtocols protocol)
        {
            using var listener = OpenSslShutdownTests.Listen();
            using var client = OpenSslProcess.StartClient(((IPEndPoint)listener.LocalEndPoint!).Port, protocol);
            using var connection = OpenSslConnection.Accept(listener, protocol);

            var result = await OpenSslShutdown.DriveAsync(connection.Ssl, Bounded, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            client.Expect("closed", PeerTimeout);
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task DriveAsync_waits_for_readiness_instead_of_polling_a_late_peer(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { ReplyDelay = TimeSpan.FromMilliseconds(300) });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            var binding = new ReadinessBinding((int)connection.Socket.Handle);

            var result = await OpenSslShutdown.DriveAsync(connection.Ssl, binding, Bounded, CancellationToken.None);

            // A loop that polled would have called OpenSSL every few milliseconds for 300 ms; this one called it when the
            // peer's close_notify arrived, and never blocked on the socket.
            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(250), Bounded.DrainTimeout);
            Assert.InRange(binding.Calls, 3, 8);
            Assert.Equal(0, binding.BlockingWaits);
        }

        [Fact]
        public async Task Hundred_silent_peers_time_out_together_without_a_thread_each()
        {
            var bound = TimeSpan.FromMilliseconds(500);
            var peers = Enumerable.Range(0, 100).Select(_ => Serve(SslProtocols.Tls13, PeerScript.Silent)).ToArray();
            var connections = peers.Select(p => OpenSslConnection.Connect(p.EndPoint, SslProtocols.Tls13)).ToArray();
            try
            {
                var threads = ThreadPool.ThreadCount;
                var watch = Stopwatch.StartNew();
                var results = await Task.WhenAll(connections.Select(c => OpenSslShutdown.DriveAsync(c.Ssl, new TlsCloseOptions { DrainTimeout = bound }, CancellationToken.None)));
                watch.Stop();

                Assert.All(results, r => Assert.Equal(TlsCloseOutcome.DrainTimedOut, r.Outcome));
                Assert.All(results, r => Assert.InRange(r.Elapsed, bound, bound + TimeSpan.FromSeconds(1.5)));
                Assert.InRange(watch.Elapsed, bound, bound + TimeSpan.FromSeconds(3)); // together, not one after the other

                // Blocking waits would need a thread per close (100); readiness waits need none.
                Assert.InRange(ThreadPool.ThreadCount, 0, threads + 8);
            }
            finally
            {
                foreach (var connection in connections)
                {
                    connection.Dispose();
                }

                foreach (var peer in peers)
                {
                    peer.Dispose();
                }
            }
        }

        [Theory]
        [MemberData(nameof(Versions))]
        public async Task DriveAsync_times_out_within_the_bound_when_our_close_notify_cannot_be_written(SslProtocols protocol)
        {
            using var peer = Serve(protocol, new PeerScript { Opening = PeerOpening.StopReading });
            using var connection = OpenSslConnection.Connect(peer.EndPoint, protocol);
            await peer.WaitForHandshakeAsync();
            connection.FillUntilWouldBlock();
            var bound = TimeSpan.FromMilliseconds(500);

            var result = await OpenSslShutdown.DriveAsync(connection.Ssl, new TlsCloseOptions { DrainTimeout = bound }, CancellationToken.None);

            Assert.Equal(TlsCloseOutcome.DrainTimedOut, result.Outcome);
            Assert.InRange(result.Elapsed, bound, bound + TimeSpan.FromSeconds(1.5));
        }

        [Fact]
        public async Task DriveAsync_stops_promptly_when_cancelled_while_the_peer_is_silent()
        {
            using var peer = Serve(SslProtocols.Tls13, PeerScript.Silent);
            using var connection = OpenSslConnection.Connect(peer.EndPoint, SslProtocols.Tls13);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OpenSslShutdown.DriveAsync(connection.Ssl, Bounded, cancellation.Token));

            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2));
        }

        [Fact]
        public void Begin_refuses_a_null_SSL_and_a_null_binding()
        {
            Assert.Throws<ArgumentException>(() => OpenSslShutdown.Begin(IntPtr.Zero, null));
            Assert.Throws<ArgumentNullException>(() => OpenSslShutdown.Begin(new IntPtr(1), null!, null));
        }

        /// <summary>The caller's event loop: poll(2) on the socket for what the step asked, at most until the deadline.</summary>
        private static (TlsCloseResult Result, int Steps, TimeSpan LongestStep) RunLoop(OpenSslConnection connection, OpenSslShutdownOperation operation)
        {
            var steps = 0;
            var longest = TimeSpan.Zero;
            while (true)
            {
                var watch = Stopwatch.StartNew();
                var wait = operation.Step();
                longest = watch.Elapsed > longest ? watch.Elapsed : longest;
                steps++;
                if (wait == OpenSslWait.Done)
                {
                    return (operation.Result, steps, longest);
                }

                connection.Socket.Poll(operation.Remaining, wait == OpenSslWait.Writable ? SelectMode.SelectWrite : SelectMode.SelectRead);
            }
        }

        private static TlsPeer Serve(SslProtocols protocol, PeerScript script) =>
            TlsPeer.StartServer(new TlsPeerOptions { Protocols = protocol, Script = script });

        /// <summary>A caller's binding that counts its OpenSSL calls and gives the driver the socket's descriptor, so that
        /// the default readiness wait (epoll) serves it; its blocking wait must never be used.</summary>
        private sealed class ReadinessBinding(int fd) : OpenSslBinding
        {
            private int calls;
            private int blockingWaits;

            public int Calls => Volatile.Read(ref calls);

            public int BlockingWaits => Volatile.Read(ref blockingWaits);

            public override int Shutdown(IntPtr ssl)
            {
                Interlocked.Increment(ref calls);
                return LibSsl.SSL_shutdown(ssl);
            }

            public override int Read(IntPtr ssl, byte[] buffer)
            {
                Interlocked.Increment(ref calls);
                return LibSsl.SSL_read(ssl, ref buffer[0], buffer.Length);
            }

            public override int GetError(IntPtr ssl, int result) => LibSsl.SSL_get_error(ssl, result);

            public override int GetShutdownState(IntPtr ssl) => LibSsl.SSL_get_shutdown(ssl);

            public override void ClearErrors() => LibSsl.ERR_clear_error();

            public override int GetSocketDescriptor(IntPtr ssl) => fd;

            public override bool WaitForSocket(IntPtr ssl, bool forWrite, TimeSpan timeout)
            {
                Interlocked.Increment(ref blockingWaits);
                return true;
            }
        }
    }
}
