using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>A plain TCP connection over loopback (no TLS), for the socket-level close.</summary>
    public sealed class TcpListenerPair : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);

        public TcpClient Ours { get; } = new TcpClient();

        public TcpClient Peer { get; private set; } = null!;

        public async Task ConnectAsync()
        {
            listener.Start();
            var accepting = listener.AcceptTcpClientAsync();
            await Bounded.Wait(Ours.ConnectAsync((IPEndPoint)listener.LocalEndpoint));
            Peer = await Bounded.Wait(accepting);
            listener.Stop();
        }

        public void Dispose()
        {
            listener.Dispose();
            Ours.Dispose();
            Peer?.Dispose();
        }
    }
}
