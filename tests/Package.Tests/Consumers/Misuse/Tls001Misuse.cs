using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Consumer
{
    // TLS001: authenticated streams disposed with no close_notify before (end of a using; an explicit Dispose).
    public class Tls001Misuse
    {
        public async Task SendAsync(TcpClient tcp)
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                await ssl.AuthenticateAsClientAsync("db.example");
                await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
            }
        }

        public void Send(TcpClient tcp)
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient("db.example");
            ssl.Write(new byte[] { 1 }, 0, 1);
            ssl.Dispose();
        }
    }
}
