using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Demo
{
    /// <summary>Runs the correct paths of the demo on loopback: a server, a client session and a driver session,
    /// each ended by a graceful TLS close, and prints how each close ended. Exits 0 when every exchange worked.</summary>
    internal static class Program
    {
        public static async Task<int> Main()
        {
            // Everything is bounded: a stuck peer ends the demo instead of hanging it.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            using var certificate = DemoTls.CreateServerCertificate();
            var hash = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            using var server = new MailServer(certificate);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var serving = server.RunAsync(stop.Token, timeout.Token);
            var ok = true;

            var client = new MailClient(server.Port, hash);
            var (reply, clientClose) = await client.NoopAsync(timeout.Token);
            Console.WriteLine($"client: NOOP -> {reply}; close: {clientClose}");
            ok &= reply == "250 OK" && clientClose.IsClean;

            string driverReply;
            var driver = new DemoDriver();
            await using (driver)
            {
                await driver.ConnectAsync(server.Port, DemoTls.ClientOptions(hash), timeout.Token);
                driverReply = await driver.CommandAsync("NOOP", timeout.Token);
                await driver.CommandAsync("QUIT", timeout.Token);
            }

            Console.WriteLine($"driver: NOOP -> {driverReply}; close: {driver.LastClose}");
            ok &= driverReply == "250 OK" && driver.LastClose.IsClean;

            stop.Cancel();
            await serving;
            foreach (var close in server.Closes)
            {
                Console.WriteLine($"server: close: {close}");
                ok &= close.IsClean;
            }

            ok &= server.Closes.Count == 2;
            Console.WriteLine(ok ? "demo: every TLS connection closed cleanly" : "demo: FAILED");
            return ok ? 0 : 1;
        }
    }
}
