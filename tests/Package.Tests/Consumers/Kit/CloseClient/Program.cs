using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;

// The program under test, out of process: connects to 127.0.0.1:<port>, trusts the certificate in <pem>, sends a
// line, and closes the way <mode> says (graceful: ShutdownAsync then read to the end; dispose: Dispose alone).
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var port = int.Parse(args[0]);
        using var trusted = X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(args[1]));
        var graceful = args[2] == "graceful";

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, certificate, _, _) =>
            certificate != null && certificate.GetCertHashString() == trusted.Thumbprint);
        await tls.AuthenticateAsClientAsync("localhost");
        await tls.WriteAsync(Encoding.ASCII.GetBytes("QUIT\r\n"));
        if (graceful)
        {
            await tls.ShutdownAsync();
            var buffer = new byte[1024];
            while (await tls.ReadAsync(buffer) > 0)
            {
            }
        }

        tls.Dispose();
        Console.WriteLine("closed " + args[2]);
        return 0;
    }
}
