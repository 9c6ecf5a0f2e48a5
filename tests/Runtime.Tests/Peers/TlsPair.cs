using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Testing;

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
    /// <see cref="TlsClose"/>) and the kit's <see cref="TlsPeer"/>, optionally through a <see cref="TcpRelay"/>. The
    /// peer records how we closed and answers as its script says (<see cref="StartPeer"/>).</summary>
    public sealed class TlsPair : IAsyncDisposable
    {
        private TlsPair(PairOptions options, Socket ourSocket, TlsPeer peer, TcpRelay? relay)
        {
            Options = options;
            OurSocket = ourSocket;
            Peer = peer;
            Relay = relay;
            OurNetworkStream = new NetworkStream(ourSocket, ownsSocket: true);
            var bottom = options.HideSocket ? new OpaqueStream(OurNetworkStream) : (Stream)OurNetworkStream;
            OurTransport = options.ObserveTransport ? new TlsTransport(bottom) : null;
            var inner = (Stream?)OurTransport ?? bottom;
            Ours = options.CreateOurs?.Invoke(inner, options.LeaveInnerStreamOpen) ?? new SslStream(inner, options.LeaveInnerStreamOpen);
        }

        public PairOptions Options { get; }

        /// <summary>Our TLS stream, authenticated.</summary>
        public SslStream Ours { get; }

        public Socket OurSocket { get; }

        public NetworkStream OurNetworkStream { get; }

        public TlsTransport? OurTransport { get; }

        /// <summary>The other end: the kit's peer, which records how we closed.</summary>
        public TlsPeer Peer { get; }

        public TcpRelay? Relay { get; }

        /// <summary>What the peer saw of our close, once the connection is over (or after the peer's wait bound).</summary>
        public Task<PeerCloseReport> PeerDone => Peer.WaitForCloseAsync();

        /// <summary>Connects and authenticates both ends (bounded).</summary>
        public static async Task<TlsPair> ConnectAsync(PairOptions options)
        {
            var peerOptions = new TlsPeerOptions { Protocols = options.Protocol, Timeout = Bounded.Step };
            Socket ourSocket;
            TlsPeer peer;
            TcpRelay? relay = null;
            if (options.Ours == Role.Client)
            {
                peer = TlsPeer.StartServer(peerOptions);
                relay = options.Relay ? TcpRelay.Start(peer.EndPoint) : null;
                ourSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await Bounded.Wait(ourSocket.ConnectAsync(relay?.EndPoint ?? peer.EndPoint));
            }
            else
            {
                using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Listen(1);
                relay = options.Relay ? TcpRelay.Start((IPEndPoint)listener.LocalEndPoint!) : null;
                peer = TlsPeer.StartClient(relay?.EndPoint ?? (IPEndPoint)listener.LocalEndPoint!, peerOptions);
                ourSocket = await Bounded.Wait(listener.AcceptAsync());
                ourSocket.NoDelay = true;
            }

            if (relay != null)
            {
                await Bounded.Wait(relay.Connected);
            }

            var pair = new TlsPair(options, ourSocket, peer, relay);
            await Bounded.Wait(options.Ours == Role.Client
                ? pair.Ours.AuthenticateAsClientAsync(ClientOptions(options.Protocol))
                : pair.Ours.AuthenticateAsServerAsync(ServerOptions(options.Protocol)));
            await peer.WaitForHandshakeAsync();
            return pair;
        }

        public static SslClientAuthenticationOptions ClientOptions(SslProtocols protocol, bool trustTestCertificate = true) => new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            RemoteCertificateValidationCallback = trustTestCertificate ? TestCertificate.Instance.Peer.ValidationCallback : null,
        };

        public static SslServerAuthenticationOptions ServerOptions(SslProtocols protocol) => new SslServerAuthenticationOptions
        {
            ServerCertificate = TestCertificate.Instance.Certificate,
            EnabledSslProtocols = protocol,
        };

        /// <summary>Sets how the peer answers our close (it reads and records from the handshake on).</summary>
        public void StartPeer(PeerScript script) => Peer.Script = script;

        /// <summary>Exchanges one message each way, so that the connection has carried application data.</summary>
        public async Task PingAsync()
        {
            var buffer = new byte[4];
            await Bounded.Wait(Ours.WriteAsync(new byte[] { 1, 2, 3, 4 }).AsTask());
            await Peer.SendAsync(await Peer.ReceiveAsync(4));
            await Bounded.Wait(Ours.ReadExactlyAsync(buffer).AsTask());
        }

        /// <summary>Stops the peer and closes everything that is left.</summary>
        public ValueTask DisposeAsync()
        {
            try
            {
                // Dispose, not DisposeAsync: the kit's netstandard2.0 build (Runtime.NetStandard20.Tests) has only the former.
                Peer.Dispose();
            }
            finally
            {
                Ours.Dispose();
                OurSocket.Dispose();
                Relay?.Dispose();
            }

            return default;
        }
    }

    /// <summary>The questions the runtime tests ask of the peer's report.</summary>
    public static class PeerReports
    {
        /// <summary>Polls the peer's report until <paramref name="condition"/> holds (bounded by <see cref="Bounded.Step"/>).</summary>
        public static async Task<PeerCloseReport> UntilAsync(this TlsPeer peer, Func<PeerCloseReport, bool> condition)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var report = peer.CurrentReport(); ; report = peer.CurrentReport())
            {
                if (condition(report))
                {
                    return report;
                }

                if (clock.Elapsed > Bounded.Step)
                {
                    throw new TimeoutException($"The peer never reached the expected state: {report}");
                }

                await Task.Delay(10);
            }
        }

        /// <summary>Our close_notify reached the peer (whatever ended TCP after it).</summary>
        public static bool SawCloseNotify(this PeerCloseReport report) =>
            report.Outcome is PeerCloseOutcome.CloseNotifyOnly or PeerCloseOutcome.CloseNotifyThenFin or PeerCloseOutcome.CloseNotifyThenReset;
    }
}
