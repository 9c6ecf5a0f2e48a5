using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using CloseNotify;

// A loopback TLS exchange closed with the package's runtime on both sides: the client sends "hello" and closes
// gracefully; the server reads it and closes gracefully too. Each SslStream sits on a TlsTransport, so the close
// can tell a close_notify from a bare TCP close. Prints what each side saw; exits 0 when both closes ended in a
// clean close_notify exchange.
internal static class Program
{
    private static async Task<int> Main()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PFX: on Linux an ephemeral key cannot serve as an SslStream server credential.
        using var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new TlsCloseOptions { DrainTimeout = TimeSpan.FromSeconds(10) };

        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            var ssl = new SslStream(new TlsTransport(accepted.GetStream()));
            await ssl.AuthenticateAsServerAsync(certificate);
            var buffer = new byte[5];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await ssl.ReadAsync(buffer.AsMemory(read));
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var closed = await TlsClose.GracefulAsync(ssl, options);
            return (Message: Encoding.ASCII.GetString(buffer, 0, read), Closed: closed);
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(new TlsTransport(client.GetStream()), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        await tls.WriteAsync(Encoding.ASCII.GetBytes("hello"));
        var clientClosed = await TlsClose.GracefulAsync(tls, options);

        var (message, serverClosed) = await server.WaitAsync(TimeSpan.FromSeconds(30));
        listener.Stop();

        Console.WriteLine($"server received: {message}");
        Console.WriteLine($"client close: {clientClosed.Outcome} clean={clientClosed.IsClean}");
        Console.WriteLine($"server close: {serverClosed.Outcome} clean={serverClosed.IsClean}");
        return message == "hello" && clientClosed.IsClean && serverClosed.IsClean ? 0 : 1;
    }
}
