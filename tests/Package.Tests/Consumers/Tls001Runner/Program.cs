using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify;
using Shapes;

// Drives the TLS001 shapes (Tls001Shapes, Tls001Abort), as dotnet format fixed them, against a loopback TLS server
// that records how each connection ended: close_notify (its reads ended while the TCP stream had not), a bare TCP
// close, or a reset. Prints one line per case; exits 0 when every normal close sent close_notify after the data, and
// the abort path reset the connection.
internal static class Program
{
    private static X509Certificate2 s_certificate = null!;
    private static TcpListener s_listener = null!;

    private static async Task<int> Main()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PFX: on Linux an ephemeral key cannot serve as an SslStream server credential.
        s_certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        s_listener = new TcpListener(IPAddress.Loopback, 0);
        s_listener.Start();

        var failures = 0;
        failures += await Case("session: buffered line, then Dispose", "close_notify", "hello\n", null, async tcp =>
        {
            var session = new Session();
            await session.OpenAsync(tcp.GetStream(), "localhost", CancellationToken.None);
            await session.SendLineAsync("hello");
            session.Dispose();
        });
        failures += await Case("connection: DisconnectAsync(token)", "close_notify", "data", null, async tcp =>
        {
            var connection = new Connection();
            await connection.OpenAsync(tcp.GetStream(), "localhost", CancellationToken.None);
            await connection.SendAsync(Encoding.ASCII.GetBytes("data"), CancellationToken.None);
            await connection.DisconnectAsync(CancellationToken.None);
        });
        failures += await Case("probe: return of the reply read", "close_notify", "", Reply, async tcp =>
        {
            var reply = await Probe.FirstByteAsync(tcp.GetStream(), "localhost", CancellationToken.None);
            if (reply != 42)
            {
                throw new InvalidOperationException($"reply {reply}, expected 42");
            }
        });
        failures += await Case("resettable: Dispose()", "close_notify", "bye", null, async tcp =>
        {
            var connection = new ResettableConnection();
            await connection.OpenAsync(tcp.Client, "localhost");
            connection.Send(Encoding.ASCII.GetBytes("bye"));
            connection.Dispose();
        });
        failures += await Case("resettable: Fail() = Dispose(false)", "reset", null, null, async tcp =>
        {
            var connection = new ResettableConnection();
            await connection.OpenAsync(tcp.Client, "localhost");
            connection.Fail();
        });

        s_listener.Stop();
        Console.WriteLine(failures == 0 ? "all cases as expected" : $"{failures} case(s) not as expected");
        return failures == 0 ? 0 : 1;
    }

    // The probe's server side: answer its one-byte request with 42.
    private static async Task Reply(SslStream ssl)
    {
        var request = new byte[1];
        await ssl.ReadExactlyAsync(request);
        await ssl.WriteAsync(new byte[] { 42 });
    }

    private static async Task<int> Case(string name, string expectedEnd, string? expectedData, Func<SslStream, Task>? script, Func<TcpClient, Task> client)
    {
        var peer = Peer(script);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)s_listener.LocalEndpoint).Port);
            await client(tcp).WaitAsync(TimeSpan.FromSeconds(20));
        }

        var (end, data) = await peer.WaitAsync(TimeSpan.FromSeconds(20));
        var ok = end == expectedEnd && (expectedData == null || data == expectedData);
        Console.WriteLine($"{name}: peer saw {end} after {Printable(data)} ({(ok ? "as expected" : $"expected {expectedEnd} after {Printable(expectedData)}")})");
        return ok ? 0 : 1;
    }

    /// <summary>One connection's server side: the script, then reads until the client's end, classified.</summary>
    private static async Task<(string End, string Data)> Peer(Func<SslStream, Task>? script)
    {
        using var accepted = await s_listener.AcceptTcpClientAsync();
        var transport = new TlsTransport(accepted.GetStream());
        var ssl = new SslStream(transport);
        var received = new StringBuilder();
        string end;
        try
        {
            // An abort right after the client's handshake may reach the server while it still completes its own.
            await ssl.AuthenticateAsServerAsync(s_certificate);
            if (script != null)
            {
                await script(ssl);
            }

            var buffer = new byte[1024];
            int read;
            while ((read = await ssl.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            end = transport.ReachedEnd ? "a bare TCP close" : "close_notify";
        }
        catch (Exception e) when (e is IOException || e is System.Security.Authentication.AuthenticationException)
        {
            end = "reset";
        }

        // Answer the client's close_notify with ours, so that its graceful close ends at once.
        TlsClose.Notify(ssl);
        return (end, received.ToString());
    }

    private static string Printable(string? data) => data == null ? "anything" : "\"" + data.Replace("\n", "\\n").Replace("\u0001", "\\x01") + "\"";
}
