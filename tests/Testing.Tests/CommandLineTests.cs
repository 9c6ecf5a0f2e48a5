using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>The peer run from a command line (what an out-of-process host program does), driven by a .NET driver.</summary>
    public sealed class CommandLineTests
    {
        [Theory]
        [InlineData(true, 0, "CloseNotifyThenFin")]
        [InlineData(false, 1, "FinWithoutCloseNotify")]
        public async Task Server_reports_the_close_and_exits_by_the_expectation(bool graceful, int exitCode, string outcome)
        {
            var output = new StringWriter();
            var synchronized = TextWriter.Synchronized(output);
            var run = TlsPeerCommandLine.RunAsync(new[] { "--protocol", "tls13", "--expect", "graceful", "--timeout-ms", "10000" }, synchronized);
            var port = await ListeningPort(output);

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var thumbprint = Regex.Match(Snapshot(output), "thumbprint (\\w+)").Groups[1].Value;
            using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint);
            await Bounded.Wait(tls.AuthenticateAsClientAsync("localhost"));
            await Bounded.Wait(tls.WriteAsync(new byte[42]).AsTask());
            if (graceful)
            {
                await Bounded.Wait(tls.ShutdownAsync());
                while (await Bounded.Wait(tls.ReadAsync(new byte[100])) > 0)
                {
                }
            }

            tls.Dispose();

            Assert.Equal(exitCode, await Bounded.Wait(run));
            var lines = Snapshot(output).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.Contains("handshake TLS 1.3", lines);
            Assert.Contains("outcome " + outcome, lines);
            Assert.Contains("received 42", lines);
            Assert.Contains(lines, l => l.StartsWith("report The client ", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Client_connects_to_the_driver_server_and_writes_the_certificate_it_presents()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var pem = Path.Combine(TestCertificate.Instance.Directory, Guid.NewGuid().ToString("N") + ".pem");
            var output = TextWriter.Synchronized(new StringWriter());
            var run = TlsPeerCommandLine.RunAsync(
                new[] { "--role", "client", "--port", ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(), "--opening", "close-notify", "--expect", "CloseNotifyThenFin", "--cert-pem", pem },
                output);

            using var accepted = await Bounded.Wait(listener.AcceptAsync());
            using var tls = new SslStream(new NetworkStream(accepted, ownsSocket: true));
            await Bounded.Wait(tls.AuthenticateAsServerAsync(PeerCertificate.Shared.Certificate, false, SslProtocols.Tls12, false));
            while (await Bounded.Wait(tls.ReadAsync(new byte[100])) > 0)
            {
            }

            await Bounded.Wait(tls.ShutdownAsync());
            tls.Dispose();

            Assert.Equal(0, await Bounded.Wait(run));
            Assert.Equal(PeerCertificate.Shared.CertificatePem, File.ReadAllText(pem));
        }

        [Theory]
        [InlineData("--role", "client")]
        [InlineData("--reply", "maybe")]
        [InlineData("--timeout-ms", "soon")]
        [InlineData("--expect", "something")]
        [InlineData("--unknown", "1")]
        [InlineData("--role")]
        public async Task Bad_arguments_exit_with_2_and_say_why(params string[] args)
        {
            var output = new StringWriter();

            Assert.Equal(2, await Bounded.Wait(TlsPeerCommandLine.RunAsync(args, output)));

            Assert.StartsWith("error ", output.ToString(), StringComparison.Ordinal);
        }

        private static async Task<int> ListeningPort(StringWriter output)
        {
            for (var i = 0; i < 500; i++)
            {
                var match = Regex.Match(Snapshot(output), "listening 127\\.0\\.0\\.1:(\\d+)");
                if (match.Success)
                {
                    return int.Parse(match.Groups[1].Value);
                }

                await Task.Delay(10);
            }

            throw new TimeoutException("the peer never said where it listens: " + Snapshot(output));
        }

        private static string Snapshot(StringWriter output)
        {
            lock (output.GetStringBuilder())
            {
                return output.ToString();
            }
        }
    }
}
