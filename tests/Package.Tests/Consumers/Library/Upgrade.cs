using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Driver
{
    // TLS001 on every target: a driver's TLS upgrade whose streams are disposed without a close_notify.
    public static class Upgrade
    {
        public static async Task SendAsync(TcpClient tcp, byte[] request)
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                await ssl.AuthenticateAsClientAsync("db.example").ConfigureAwait(false);
                await ssl.WriteAsync(request, 0, request.Length).ConfigureAwait(false);
            }
        }

        public static void Send(TcpClient tcp, byte[] request)
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient("db.example");
            ssl.Write(request, 0, request.Length);
            ssl.Dispose();
        }
    }
}
