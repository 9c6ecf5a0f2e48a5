using System;
using System.ComponentModel;
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
    /// <summary>The benign-error classifier, fed with exceptions raised by real loopback connections (and a few
    /// constructed ones for the shapes a loopback cannot produce on demand).</summary>
    public sealed class TlsErrorsTests
    {
        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Read_after_the_peer_reset_is_benign(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            ResetPeer(pair);

            var error = await Bounded.Catch(() => pair.Ours.ReadAsync(new byte[100]).AsTask());

            Assert.Equal(SocketError.ConnectionReset, SocketErrorOf(error));
            Assert.True(TlsErrors.IsBenign(error!), error!.ToString());
        }

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Write_after_the_peer_reset_is_benign(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            ResetPeer(pair);

            var error = await WriteUntilItFails(pair.Ours);

            Assert.Contains(SocketErrorOf(error), new SocketError?[] { SocketError.ConnectionReset, SocketError.Shutdown });
            Assert.True(TlsErrors.IsBenign(error), error.ToString());
        }

        [Theory]
        [MemberData(nameof(RolesProtocols), MemberType = typeof(Matrix))]
        public async Task Write_after_the_peer_closed_is_benign(Role role, SslProtocols protocol)
        {
            await using var pair = await Connect(role, protocol);
            await pair.PingAsync();
            pair.Peer.Dispose();

            // The first writes land in the kernel; the closed peer answers them with RST, then EPIPE or ECONNRESET.
            var error = await WriteUntilItFails(pair.Ours);

            Assert.Contains(SocketErrorOf(error), new SocketError?[] { SocketError.ConnectionReset, SocketError.Shutdown });
            Assert.True(TlsErrors.IsBenign(error), error.ToString());
        }

        [Fact]
        public async Task Read_on_a_disposed_stream_is_benign()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            pair.Ours.Dispose();

            var error = await Bounded.Catch(() => pair.Ours.ReadAsync(new byte[1]).AsTask());

            Assert.IsType<ObjectDisposedException>(error);
            Assert.True(TlsErrors.IsBenign(error!));
        }

        [Fact]
        public async Task End_of_stream_inside_a_record_is_benign()
        {
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13, relay: true);
            await pair.PingAsync();
            pair.Relay!.CutAfter(Role.Client, 100, reset: false);
            await pair.Peer.SendAsync(new byte[1000]);

            var error = await Bounded.Catch(async () =>
            {
                while (await pair.Ours.ReadAsync(new byte[1000]) > 0)
                {
                }
            });

            var io = Assert.IsType<IOException>(error);
            Assert.Null(io.InnerException);
            Assert.True(TlsErrors.IsBenign(io));
        }

        [Fact]
        public async Task Overlapping_reads_are_not_benign()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            var pending = pair.Ours.ReadAsync(new byte[1]);

            var error = await Bounded.Catch(() => pair.Ours.ReadAsync(new byte[1]).AsTask());

            // SslStream reports a nested read with NotSupportedException (measured), not InvalidOperationException.
            Assert.IsType<NotSupportedException>(error);
            Assert.False(TlsErrors.IsBenign(error!));
        }

        [Fact]
        public async Task Write_after_our_shutdown_is_not_benign()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            await Bounded.Wait(pair.Ours.ShutdownAsync());

            var error = await Bounded.Catch(() => pair.Ours.WriteAsync(new byte[1]).AsTask());

            Assert.IsType<InvalidOperationException>(error);
            Assert.False(TlsErrors.IsBenign(error!));
        }

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public async Task Untrusted_certificate_is_not_benign(SslProtocols protocol)
        {
            using var tcp = new TcpListenerPair();
            await tcp.ConnectAsync();
            using var client = new SslStream(tcp.Ours.GetStream());
            using var server = new SslStream(tcp.Peer.GetStream());
            var serving = server.AuthenticateAsServerAsync(TlsPair.ServerOptions(protocol));

            var error = await Bounded.Catch(() => client.AuthenticateAsClientAsync(TlsPair.ClientOptions(protocol, trustTestCertificate: false)));

            Assert.IsType<AuthenticationException>(error);
            Assert.False(TlsErrors.IsBenign(error!));
            client.Dispose();
            await Bounded.Catch(() => serving);
        }

        [Fact]
        public async Task Cancelled_read_is_not_benign()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

            var error = await Bounded.Catch(() => pair.Ours.ReadAsync(new byte[1], cancel.Token).AsTask());

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.False(TlsErrors.IsBenign(error!));
        }

        [Fact]
        public async Task Read_timeout_is_not_benign()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());
            pair.OurSocket.ReceiveTimeout = 100;

            var error = await Bounded.Catch(() => Task.Factory.StartNew(() => pair.Ours.Read(new byte[1]), TaskCreationOptions.LongRunning));

            Assert.Equal(SocketError.TimedOut, SocketErrorOf(error));
            Assert.False(TlsErrors.IsBenign(error!));
        }

        [Fact]
        public async Task Tampered_record_is_not_benign()
        {
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13, relay: true);
            await pair.PingAsync();
            pair.Relay!.CorruptNextTo(Role.Client);
            await pair.Peer.SendAsync(new byte[100]);

            var error = await Bounded.Catch(() => pair.Ours.ReadAsync(new byte[100]).AsTask());

            var io = Assert.IsType<IOException>(error);
            Assert.NotNull(io.InnerException);
            Assert.False(TlsErrors.IsBenign(io));
        }

        [Theory]
        [InlineData(SocketError.ConnectionReset, true)]
        [InlineData(SocketError.ConnectionAborted, true)]
        [InlineData(SocketError.Shutdown, true)]
        [InlineData(SocketError.NotConnected, true)]
        [InlineData(SocketError.Disconnecting, true)]
        [InlineData(SocketError.OperationAborted, true)]
        [InlineData(SocketError.TimedOut, false)]
        [InlineData(SocketError.HostUnreachable, false)]
        [InlineData(SocketError.AccessDenied, false)]
        public void Socket_errors_are_benign_only_for_a_disconnect(SocketError code, bool benign)
        {
            Assert.Equal(benign, TlsErrors.IsBenign(new SocketException((int)code)));
            Assert.Equal(benign, TlsErrors.IsBenign(new IOException("transport", new SocketException((int)code))));
        }

        [Fact]
        public void Constructed_shapes_are_classified()
        {
            Assert.False(TlsErrors.IsBenign(new IOException("TLS failure", new Win32Exception(1))));
            Assert.False(TlsErrors.IsBenign(new AuthenticationException()));
            Assert.False(TlsErrors.IsBenign(new InvalidOperationException()));
            Assert.False(TlsErrors.IsBenign(new TaskCanceledException()));
            Assert.False(TlsErrors.IsBenign(new TimeoutException()));
            Assert.True(TlsErrors.IsBenign(new IOException("wrapped", new IOException("eof"))));
            Assert.True(TlsErrors.IsBenign(new IOException("wrapped", new ObjectDisposedException("s"))));
            Assert.True(TlsErrors.IsBenign(new AggregateException(new ObjectDisposedException("s"), new SocketException((int)SocketError.ConnectionReset))));
            Assert.False(TlsErrors.IsBenign(new AggregateException(new ObjectDisposedException("s"), new AuthenticationException())));
            Assert.False(TlsErrors.IsBenign(new AggregateException()));
            Assert.Throws<ArgumentNullException>(() => TlsErrors.IsBenign(null!));
        }

        [Fact]
        public void A_reset_is_reported_as_one_through_wrappers()
        {
            var reset = new SocketException((int)SocketError.ConnectionReset);
            var wrappedTwice = new IOException("layered stream", new IOException("transport", reset));
            var withDisposed = new AggregateException(new ObjectDisposedException("s"), new IOException("transport", reset));

            Assert.Equal(TlsCloseOutcome.PeerReset, CloseRun.OutcomeOf(wrappedTwice, timedOut: false, sending: false));
            Assert.Equal(TlsCloseOutcome.PeerReset, CloseRun.OutcomeOf(withDisposed, timedOut: false, sending: false));
            Assert.Equal(TlsCloseOutcome.PeerClosedWithoutCloseNotify,
                CloseRun.OutcomeOf(new IOException("layered stream", new IOException("eof")), timedOut: false, sending: false));
            Assert.Null(CloseRun.OutcomeOf(new IOException("layered stream", new IOException("TLS failure", new Win32Exception(1))), timedOut: false, sending: false));
        }

        private static void ResetPeer(TlsPair pair)
        {
            pair.Peer.Reset();
        }

        private static async Task<Exception> WriteUntilItFails(Stream stream)
        {
            var chunk = new byte[16 * 1024];
            for (var i = 0; i < 1000; i++)
            {
                var error = await Bounded.Catch(() => stream.WriteAsync(chunk).AsTask());
                if (error != null)
                {
                    return error;
                }

                await Task.Delay(1);
            }

            throw new Xunit.Sdk.XunitException("1000 writes to a reset connection succeeded");
        }

        private static SocketError? SocketErrorOf(Exception? error) => error switch
        {
            SocketException socket => socket.SocketErrorCode,
            IOException { InnerException: SocketException socket } => socket.SocketErrorCode,
            _ => null,
        };
    }
}
