using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.OpenSsl;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>What a close raises on a stream with no session to close (never authenticated, a failed handshake, shut
    /// down already, disposed), against real peers on loopback: benign once <see cref="TlsErrors.IsBenign(Exception, Stream?)"/>
    /// is given the stream, while the same exception type from a stream that can still write stays non-benign (issue 25:
    /// a narrowed catch let the first kind escape a disconnect after a failed handshake, and the server crashed).</summary>
    public sealed class NoSessionErrorsTests
    {
        /// <summary>The real peer on the other end: a .NET SslStream or openssl s_server.</summary>
        public enum Peer
        {
            DotNet,
            OpenSsl,
        }

        public static TheoryData<Peer> Peers => new TheoryData<Peer> { Peer.DotNet, Peer.OpenSsl };

        [Theory]
        [MemberData(nameof(Peers))]
        public async Task Shutdown_of_a_stream_never_authenticated_is_benign_given_the_stream(Peer peer)
        {
            await using var connection = await Unauthenticated(peer);

            var error = await Bounded.Catch(() => connection.Ssl.ShutdownAsync());

            Assert.IsType<InvalidOperationException>(error);
            Assert.False(connection.Ssl.CanWrite);
            Assert.False(TlsErrors.IsBenign(error!));
            Assert.True(TlsErrors.IsBenign(error!, connection.Ssl), error!.ToString());
        }

        [Fact]
        public async Task Shutdown_after_a_client_sent_plain_bytes_to_our_server_is_benign_given_the_stream()
        {
            using var tcp = new TcpListenerPair();
            await tcp.ConnectAsync();
            using var ssl = new SslStream(tcp.Ours.GetStream());
            var handshake = ssl.AuthenticateAsServerAsync(TlsPair.ServerOptions(SslProtocols.Tls12 | SslProtocols.Tls13));

            // What a port scanner or an HTTP client sends to a TLS port.
            await Bounded.Wait(tcp.Peer.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")).AsTask());
            var failure = await Bounded.Catch(() => handshake);
            var error = await Bounded.Catch(() => ssl.ShutdownAsync());

            Assert.IsType<AuthenticationException>(failure);
            Assert.IsType<InvalidOperationException>(error);
            Assert.False(TlsErrors.IsBenign(error!));
            Assert.True(TlsErrors.IsBenign(error!, ssl), error!.ToString());
        }

        [Fact]
        public async Task Shutdown_after_our_client_rejected_the_certificate_of_s_server_is_benign_given_the_stream()
        {
            using var server = OpenSslProcess.StartServer(SslProtocols.Tls13);
            await using var connection = await Connect(server.EndPoint, new SslStreamHolder(server));
            var failure = await Bounded.Catch(() => connection.Ssl.AuthenticateAsClientAsync(TlsPair.ClientOptions(SslProtocols.Tls13, trustTestCertificate: false)));

            var error = await Bounded.Catch(() => connection.Ssl.ShutdownAsync());

            // The stream keeps the handshake's error and raises it again from the close (measured on .NET 10).
            Assert.IsType<AuthenticationException>(failure);
            Assert.IsType<AuthenticationException>(error);
            Assert.False(TlsErrors.IsBenign(error!));
            Assert.True(TlsErrors.IsBenign(error!, connection.Ssl), error!.ToString());
        }

        [Theory]
        [MemberData(nameof(Peers))]
        public async Task A_second_shutdown_is_benign_given_the_stream(Peer peer)
        {
            await using var connection = await Authenticated(peer);
            await Bounded.Wait(connection.Ssl.ShutdownAsync());

            var error = await Bounded.Catch(() => connection.Ssl.ShutdownAsync());

            Assert.IsType<InvalidOperationException>(error);
            Assert.True(connection.Ssl.IsAuthenticated);
            Assert.False(TlsErrors.IsBenign(error!));
            Assert.True(TlsErrors.IsBenign(error!, connection.Ssl), error!.ToString());
        }

        [Theory]
        [MemberData(nameof(Peers))]
        public async Task Shutdown_of_a_disposed_stream_is_benign(Peer peer)
        {
            await using var connection = await Authenticated(peer);
            connection.Ssl.Dispose();

            var error = await Bounded.Catch(() => connection.Ssl.ShutdownAsync());

            Assert.IsType<ObjectDisposedException>(error);
            Assert.True(TlsErrors.IsBenign(error!));
            Assert.True(TlsErrors.IsBenign(error!, connection.Ssl));
        }

        [Theory]
        [MemberData(nameof(Peers))]
        [SupportedOSPlatform("linux")] // the test suite runs on Linux; the call exists on Linux, Windows and FreeBSD
        public async Task An_invalid_operation_on_a_stream_that_can_still_write_is_not_benign(Peer peer)
        {
            await using var connection = await Authenticated(peer);

            // A client asking for a client certificate on a live session: a bug of the caller, not the end of a connection.
            var error = await Bounded.Catch(() => connection.Ssl.NegotiateClientCertificateAsync());

            Assert.IsType<InvalidOperationException>(error);
            Assert.True(connection.Ssl.CanWrite);
            Assert.False(TlsErrors.IsBenign(error!, connection.Ssl));
        }

        [Fact]
        public async Task Overlapping_writes_stay_not_benign_given_the_stream()
        {
            await using var pair = await TlsPair.ConnectAsync(new PairOptions());

            // The peer stops reading: the first write fills the socket buffers and stays pending (a peer that reads
            // lets it finish first on a quiet machine, and the second write then succeeds).
            pair.Peer.StopReading();
            var pending = pair.Ours.WriteAsync(new byte[16 * 1024 * 1024]).AsTask();
            var error = await Bounded.Catch(() => pair.Ours.WriteAsync(new byte[1]).AsTask());

            Assert.IsType<NotSupportedException>(error);
            Assert.False(TlsErrors.IsBenign(error!, pair.Ours));
            pair.Ours.Dispose();
            await Bounded.Catch(() => pending);
        }

        [Fact]
        public async Task Wrapped_by_Wait_the_errors_of_a_close_with_no_session_stay_benign()
        {
            await using var connection = await Unauthenticated(Peer.DotNet);

            // An async close helper waited for with Wait(): its error arrives in an AggregateException.
            var error = Assert.Throws<AggregateException>(() => CloseAsync(connection.Ssl).Wait(Bounded.Step));

            Assert.IsType<InvalidOperationException>(error.InnerException);
            Assert.False(TlsErrors.IsBenign(error));
            Assert.True(TlsErrors.IsBenign(error, connection.Ssl));
            Assert.False(TlsErrors.IsBenign(new AggregateException(error.InnerException!, new InvalidCastException()), connection.Ssl));

            static async Task CloseAsync(SslStream ssl)
            {
                await Task.Yield();
                await ssl.ShutdownAsync();
            }
        }

        [Fact]
        public void Other_errors_are_not_made_benign_by_a_stream_with_no_session()
        {
            using var ssl = new SslStream(new MemoryStream());

            Assert.False(TlsErrors.IsBenign(new InvalidCastException(), ssl));
            Assert.False(TlsErrors.IsBenign(new NotSupportedException(), ssl));
            Assert.False(TlsErrors.IsBenign(new OperationCanceledException(), ssl));
            Assert.False(TlsErrors.IsBenign(new InvalidOperationException(), null));
            Assert.True(TlsErrors.IsBenign(new InvalidOperationException(), ssl));
            Assert.Throws<ArgumentNullException>(() => TlsErrors.IsBenign(null!, ssl));
        }

        private static async Task<Connection> Unauthenticated(Peer peer)
        {
            if (peer == Peer.OpenSsl)
            {
                var server = OpenSslProcess.StartServer(SslProtocols.Tls13);
                return await Connect(server.EndPoint, new SslStreamHolder(server));
            }

            // A .NET server waiting for our ClientHello, which never comes.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var accepting = listener.AcceptTcpClientAsync();
            var holder = new SslStreamHolder(listener);
            var connection = await Connect((IPEndPoint)listener.LocalEndpoint, holder);
            var accepted = await Bounded.Wait(accepting);
            var peerSsl = new SslStream(accepted.GetStream());
            holder.Add(peerSsl);
            holder.Pending = peerSsl.AuthenticateAsServerAsync(TlsPair.ServerOptions(SslProtocols.Tls13));
            return connection;
        }

        private static async Task<Connection> Authenticated(Peer peer)
        {
            if (peer == Peer.OpenSsl)
            {
                var server = OpenSslProcess.StartServer(SslProtocols.Tls13);
                var ssl = await TlsCloseOpenSslPeerTests.ConnectAsync(server.Port, SslProtocols.Tls13);
                return new Connection(ssl, new SslStreamHolder(server));
            }

            var pair = await TlsPair.ConnectAsync(new PairOptions { Ours = Role.Client });
            return new Connection(pair.Ours, new SslStreamHolder(pair));
        }

        private static async Task<Connection> Connect(IPEndPoint endPoint, SslStreamHolder holder)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await Bounded.Wait(socket.ConnectAsync(endPoint));
            return new Connection(new SslStream(new NetworkStream(socket, ownsSocket: true)), holder);
        }

        /// <summary>Our stream and what keeps the peer alive until the test ends.</summary>
        private sealed class Connection : IAsyncDisposable
        {
            public Connection(SslStream ssl, SslStreamHolder peer)
            {
                Ssl = ssl;
                PeerSide = peer;
            }

            public SslStream Ssl { get; }

            private SslStreamHolder PeerSide { get; }

            public async ValueTask DisposeAsync()
            {
                Ssl.Dispose();
                await PeerSide.DisposeAsync();
            }
        }

        /// <summary>The peer's resources: a process, a listener, a TLS pair, its streams and its pending handshake.</summary>
        private sealed class SslStreamHolder : IAsyncDisposable
        {
            private readonly object _owned;
            private SslStream? _stream;

            public SslStreamHolder(object owned)
            {
                _owned = owned;
            }

            public Task? Pending { get; set; }

            public void Add(SslStream stream) => _stream = stream;

            public async ValueTask DisposeAsync()
            {
                _stream?.Dispose();
                if (Pending != null)
                {
                    await Bounded.Catch(() => Pending);
                }

                switch (_owned)
                {
                    case TlsPair pair:
                        await pair.DisposeAsync();
                        break;
                    case TcpListener listener:
                        listener.Stop();
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
        }
    }
}
