using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
using CloseNotify;

namespace Consumer
{
    // The same jobs done right: no diagnostic may point into this file.
    public class Correct
    {
        private readonly IntPtr _ssl;

        public Correct(IntPtr ssl)
        {
            _ssl = ssl;
        }

        public async Task SendAsync(TcpClient tcp)
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                await ssl.AuthenticateAsClientAsync("db.example");
                await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
                await ssl.ShutdownAsync();
            }
        }

        public async Task<TlsCloseOutcome> SendAndCloseGracefullyAsync(TcpClient tcp)
        {
            var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync("db.example");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
            TlsCloseResult result = await TlsClose.GracefulAsync(ssl);
            return result.Outcome;
        }

        public void Send(TcpClient tcp, bool giveUp)
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient("db.example");
            if (giveUp)
            {
                TlsClose.Abort(ssl);
                return;
            }

            ssl.Write(new byte[] { 1 }, 0, 1);
            TlsClose.Graceful(ssl);
        }

        public void Close(SslStream ssl)
        {
            try
            {
                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (TlsErrors.IsBenign(ex))
            {
                // the peer closed first: nothing was lost
            }
        }

        public TlsCloseOutcome CloseNative()
        {
            return OpenSslShutdown.Drive(_ssl).Outcome;
        }
    }
}
