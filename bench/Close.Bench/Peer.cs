using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace CloseNotify.Bench
{
    /// <summary>
    /// The other end of every benchmarked connection, in its own process (this program started with
    /// <c>--peer</c>), so that the memory diagnoser, which counts every allocation of the benchmark process,
    /// counts only the closing side. It behaves like a well-behaved TLS server: it reads until the client's
    /// close_notify (or the end of the connection), answers with its own close_notify, and closes.
    /// </summary>
    internal static class Peer
    {
        public const string Argument = "--peer";

        public static async Task<int> RunAsync()
        {
            using var certificate = CreateCertificate();
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(512);

            // The parent reads the port and pins the certificate by its hash.
            Console.WriteLine($"{((IPEndPoint)listener.LocalEndPoint!).Port} {certificate.GetCertHashString(HashAlgorithmName.SHA256)}");
            Console.Out.Flush();

            // The parent closes our standard input when it is done with us.
            var parentGone = Task.Run(() => Console.In.ReadToEnd());
            while (!parentGone.IsCompleted)
            {
                var accept = listener.AcceptAsync();
                if (await Task.WhenAny(accept, parentGone) != accept)
                {
                    break;
                }

                _ = ServeAsync(accept.Result, certificate);
            }

            return 0;
        }

        private static async Task ServeAsync(Socket socket, X509Certificate2 certificate)
        {
            socket.NoDelay = true;
            var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
            var buffer = new byte[16 * 1024];
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
                while (await ssl.ReadAsync(buffer) > 0)
                {
                }

                // The client's close_notify (or its FIN) arrived: answer with ours.
                await ssl.ShutdownAsync();
            }
            catch (Exception e) when (TlsErrors.IsBenign(e))
            {
                // A client that aborted (RST) or disposed without close_notify: the expected end of those benchmarks.
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync("peer: " + e.GetType().Name + ": " + e.Message);
            }
            finally
            {
                ssl.Dispose();
            }
        }

        private static X509Certificate2 CreateCertificate()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

            // On Linux an ephemeral key cannot serve as an SslStream server credential: round-trip through PFX.
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        }

        /// <summary>Starts the peer process and returns it with its port and certificate hash.</summary>
        public static (Process Process, int Port, string CertificateHash) Start()
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            {
                start.ArgumentList.Add(typeof(Peer).Assembly.Location);
            }

            start.ArgumentList.Add(Argument);
            var process = Process.Start(start) ?? throw new InvalidOperationException("the peer process did not start");
            var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the peer process printed nothing");
            var parts = line.Split(' ');
            return (process, int.Parse(parts[0]), parts[1]);
        }

        public static void Stop(Process process)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
            }

            process.Dispose();
        }
    }
}
