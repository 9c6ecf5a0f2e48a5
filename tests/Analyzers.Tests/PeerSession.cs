// A fixed (or original) Session class, compiled into an image, run as the TLS server of the CloseNotify.Testing peer on
// loopback: the set-up the fixes' run-time tests share.
using System;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Threading.Tasks;
using CloseNotify.Testing;

namespace CloseNotify.Analyzers.Tests
{
    /// <summary>A <c>Session(Socket)</c> of a compiled image with <c>StartAsync(X509Certificate)</c> and
    /// <c>SendAsync(byte[])</c>, authenticated as the server of a <see cref="TlsPeer"/>, 3 bytes exchanged.</summary>
    internal sealed class PeerSession : IAsyncDisposable
    {
        public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

        private readonly TcpListener _listener;

        private PeerSession(TcpListener listener, TlsPeer peer, Socket socket, Type type, IDisposable session)
        {
            _listener = listener;
            Peer = peer;
            Socket = socket;
            Type = type;
            Session = session;
        }

        public TlsPeer Peer { get; }

        public Socket Socket { get; }

        public Type Type { get; }

        public IDisposable Session { get; }

        public static async Task<PeerSession> StartAsync(byte[] image)
        {
            var type = Assembly.Load(image).GetType("Session", throwOnError: true)!;
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var peer = TlsPeer.StartClient((IPEndPoint)listener.LocalEndpoint);
            var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
            var run = new PeerSession(listener, peer, socket, type, (IDisposable)Activator.CreateInstance(type, socket)!);
            await ((Task)run.Call("StartAsync", PeerCertificate.Shared.Certificate)!).WaitAsync(Bound);
            await peer.WaitForHandshakeAsync().WaitAsync(Bound);
            await ((Task)run.Call("SendAsync", new byte[] { 1, 2, 3 })!).WaitAsync(Bound);
            Assert.Equal(new byte[] { 1, 2, 3 }, await peer.ReceiveAsync(3));
            return run;
        }

        /// <summary>Calls the session's public method <paramref name="name"/>.</summary>
        public object? Call(string name, params object[] arguments) => Type.GetMethod(name)!.Invoke(Session, arguments);

        public async ValueTask DisposeAsync()
        {
            Session.Dispose();
            await Peer.DisposeAsync();
            Socket.Dispose();
            _listener.Stop();
        }
    }
}
