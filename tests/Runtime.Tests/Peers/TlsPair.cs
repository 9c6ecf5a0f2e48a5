using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>Which end of the TLS connection the code under test holds.</summary>
    public enum Role
    {
        Client,
        Server,
    }

    /// <summary>Options of a <see cref="TlsPair"/>.</summary>
    public sealed record PairOptions
    {
        /// <summary>Our end of the connection.</summary>
        public Role Ours { get; init; } = Role.Client;

        public SslProtocols Protocol { get; init; } = SslProtocols.Tls13;

        /// <summary>Puts a <see cref="TlsTransport"/> under our SslStream.</summary>
        public bool ObserveTransport { get; init; } = true;

        /// <summary>Routes the connection through a <see cref="TcpRelay"/>.</summary>
        public bool Relay { get; init; }

        /// <summary>Puts an <see cref="OpaqueStream"/> under our TLS stream (and under the TlsTransport, if any), so
        /// that no socket is reachable from it.</summary>
        public bool HideSocket { get; init; }

        /// <summary>Creates our SslStream with leaveInnerStreamOpen.</summary>
        public bool LeaveInnerStreamOpen { get; init; }

        /// <summary>Makes our TLS stream (over its inner stream, with leaveInnerStreamOpen); a plain SslStream when null.</summary>
        public Func<Stream, bool, SslStream>? CreateOurs { get; init; }
    }

    /// <summary>A TLS connection over loopback between "our" SslStream (the one the test closes with
    /// <see cref="TlsClose"/>) and a scripted .NET SslStream peer, optionally through a <see cref="TcpRelay"/>.</summary>
    public sealed class TlsPair : IAsyncDisposable
    {
        private readonly CancellationTokenSource end = new CancellationTokenSource();
        private readonly TaskCompletionSource<bool> peerEnded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        private TlsPair(PairOptions options, Socket ourSocket, Socket peerSocket, TcpRelay? relay)
        {
            Options = options;
            OurSocket = ourSocket;
            PeerSocket = peerSocket;
            Relay = relay;
            OurNetworkStream = new NetworkStream(ourSocket, ownsSocket: true);
            var bottom = options.HideSocket ? new OpaqueStream(OurNetworkStream) : (Stream)OurNetworkStream;
            OurTransport = options.ObserveTransport ? new TlsTransport(bottom) : null;
            var inner = (Stream?)OurTransport ?? bottom;
            Ours = options.CreateOurs?.Invoke(inner, options.LeaveInnerStreamOpen) ?? new SslStream(inner, options.LeaveInnerStreamOpen);
            PeerTransport = new TlsTransport(new NetworkStream(peerSocket, ownsSocket: true));
            Peer = new SslStream(PeerTransport);
        }

        public PairOptions Options { get; }

        /// <summary>Our TLS stream, authenticated.</summary>
        public SslStream Ours { get; }

        public Socket OurSocket { get; }

        public NetworkStream OurNetworkStream { get; }

        public TlsTransport? OurTransport { get; }

        /// <summary>The peer's TLS stream; its transport is observed so that it can tell our close_notify from our FIN.</summary>
        public SslStream Peer { get; }

        public TlsTransport PeerTransport { get; }

        public Socket PeerSocket { get; }

        public TcpRelay? Relay { get; }

        /// <summary>Completes when the peer's script is over.</summary>
        public Task<PeerReport> PeerDone { get; private set; } = Task.FromResult(new PeerReport());

        /// <summary>Connects and authenticates both ends (bounded).</summary>
        public static async Task<TlsPair> ConnectAsync(PairOptions options)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var relay = options.Relay ? TcpRelay.Start((IPEndPoint)listener.LocalEndPoint!) : null;
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accepting = listener.AcceptAsync();
            await Bounded.Wait(client.ConnectAsync(relay?.EndPoint ?? (IPEndPoint)listener.LocalEndPoint!));
            var server = await Bounded.Wait(accepting);
            server.NoDelay = true;
            if (relay != null)
            {
                await Bounded.Wait(relay.Connected);
            }

            var pair = options.Ours == Role.Client
                ? new TlsPair(options, client, server, relay)
                : new TlsPair(options, server, client, relay);
            var (clientSsl, serverSsl) = options.Ours == Role.Client ? (pair.Ours, pair.Peer) : (pair.Peer, pair.Ours);
            await Bounded.Wait(Task.WhenAll(
                clientSsl.AuthenticateAsClientAsync(ClientOptions(options.Protocol)),
                serverSsl.AuthenticateAsServerAsync(ServerOptions(options.Protocol))));
            return pair;
        }

        public static SslClientAuthenticationOptions ClientOptions(SslProtocols protocol, bool trustTestCertificate = true) => new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            RemoteCertificateValidationCallback = trustTestCertificate
                ? (_, certificate, _, _) => certificate != null && certificate.GetCertHashString() == TestCertificate.Instance.Certificate.GetCertHashString()
                : null,
        };

        public static SslServerAuthenticationOptions ServerOptions(SslProtocols protocol) => new SslServerAuthenticationOptions
        {
            ServerCertificate = TestCertificate.Instance.Certificate,
            EnabledSslProtocols = protocol,
        };

        /// <summary>Starts the peer's script: it reads and discards until our end, then acts as told.</summary>
        public void StartPeer(PeerScript script) => PeerDone = RunPeerAsync(script);

        /// <summary>Exchanges one message each way, so that the connection has carried application data.</summary>
        public async Task PingAsync()
        {
            var buffer = new byte[4];
            await Bounded.Wait(Ours.WriteAsync(new byte[] { 1, 2, 3, 4 }).AsTask());
            await Bounded.Wait(Peer.ReadExactlyAsync(buffer).AsTask());
            await Bounded.Wait(Peer.WriteAsync(buffer).AsTask());
            await Bounded.Wait(Ours.ReadExactlyAsync(buffer).AsTask());
        }

        /// <summary>Ends the peer's script and closes everything that is left.</summary>
        public async ValueTask DisposeAsync()
        {
            end.Cancel();
            peerEnded.TrySetResult(true);
            try
            {
                await PeerDone.WaitAsync(Bounded.Step);
            }
            finally
            {
                Peer.Dispose();
                Ours.Dispose();
                OurSocket.Dispose();
                PeerSocket.Dispose();
                Relay?.Dispose();
                end.Dispose();
            }
        }

        private async Task<PeerReport> RunPeerAsync(PeerScript script)
        {
            await Task.Yield();
            var report = new PeerReport();
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    if (await Peer.ReadAsync(buffer, end.Token) == 0)
                    {
                        report.SawEnd = true;
                        report.SawCloseNotify = !PeerTransport.ReachedEnd;
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                report.ReadError = e;
                return report;
            }

            try
            {
                await ActAsync(script, report);
            }
            catch (Exception e)
            {
                report.WriteError = e;
            }

            return report;
        }

        private async Task ActAsync(PeerScript script, PeerReport report)
        {
            switch (script.Close)
            {
                case PeerClose.AnswerCloseNotify:
                    await Peer.ShutdownAsync();
                    Peer.Dispose();
                    break;
                case PeerClose.CloseWithoutCloseNotify:
                    Peer.Dispose();
                    break;
                case PeerClose.Reset:
                    // The socket is closed first: NetworkStream.Dispose shuts the socket down (a FIN) before closing it.
                    PeerSocket.LingerState = new LingerOption(true, 0);
                    PeerSocket.Dispose();
                    Peer.Dispose();
                    break;
                case PeerClose.SendDataThenCloseNotify:
                    var data = new byte[script.DataBytes];
                    await Peer.WriteAsync(data, end.Token);
                    report.BytesSent = data.Length;
                    await Peer.ShutdownAsync();
                    Peer.Dispose();
                    break;
                case PeerClose.NeverAnswer:
                    await peerEnded.Task;
                    break;
                case PeerClose.Trickle:
                    var chunk = new byte[script.ChunkBytes];
                    while (!end.IsCancellationRequested)
                    {
                        await Peer.WriteAsync(chunk, end.Token);
                        report.BytesSent += chunk.Length;
                        if (script.Interval > TimeSpan.Zero)
                        {
                            await Task.Delay(script.Interval, end.Token);
                        }
                    }

                    break;
            }
        }
    }
}
