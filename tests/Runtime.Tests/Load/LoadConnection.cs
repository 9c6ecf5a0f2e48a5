using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Load
{
    /// <summary>One TLS client connection of the load run: our <see cref="SslStream"/> (over a <see cref="TlsTransport"/>,
    /// so that a clean exchange is told from a bare FIN), the API that will close it and what its peer will do.</summary>
    public sealed class LoadConnection : IDisposable
    {
        private LoadConnection(SslStream ours, Socket socket, CloseApi api, PeerBehaviour behaviour)
        {
            Ours = ours;
            Socket = socket;
            Api = api;
            Behaviour = behaviour;
        }

        public SslStream Ours { get; }

        public Socket Socket { get; }

        public CloseApi Api { get; }

        public PeerBehaviour Behaviour { get; }

        /// <summary>Connects to each end point in turn (at most <paramref name="parallel"/> handshakes at once) as a TLS
        /// 1.3 client that trusts exactly <see cref="LoadCertificate"/>.</summary>
        public static async Task<LoadConnection[]> ConnectAllAsync(
            IReadOnlyList<IPEndPoint> endPoints, IReadOnlyList<(CloseApi Api, PeerBehaviour Behaviour)> plan, TimeSpan timeout, int parallel = 16)
        {
            var connections = new LoadConnection?[endPoints.Count];
            using var gate = new SemaphoreSlim(parallel);
            try
            {
                await Task.WhenAll(endPoints.Select(async (endPoint, i) =>
                {
                    await gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        connections[i] = await ConnectAsync(endPoint, plan[i].Api, plan[i].Behaviour, timeout).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
                return connections.Select(c => c!).ToArray();
            }
            catch
            {
                foreach (var connection in connections)
                {
                    connection?.Dispose();
                }

                throw;
            }
        }

        /// <summary>Writes <paramref name="count"/> bytes on every connection: what each peer must have received when the
        /// graceful close is over. Bytes of 'x' and a final newline, so that s_server prints them as one line.</summary>
        public static async Task SendPayloadAsync(IEnumerable<LoadConnection> connections, int count)
        {
            var payload = Payload(count);
            foreach (var connection in connections)
            {
                await connection.Ours.WriteAsync(payload).ConfigureAwait(false);
            }
        }

        public static byte[] Payload(int count)
        {
            var payload = Enumerable.Repeat((byte)'x', count).ToArray();
            payload[^1] = (byte)'\n';
            return payload;
        }

        /// <summary>Fills our socket's send buffer and the peer's receive buffer with raw bytes (the peer stopped reading,
        /// so what they are does not matter): the next write of our TLS stream, its close_notify, cannot complete.</summary>
        /// <remarks>Linux frees send-buffer room as segments move into the peer's window, and wakes writers once a third
        /// of the buffer is free: one send that would block does not mean the next small one will. So the fill goes on,
        /// in shrinking writes down to one byte, until a round a few milliseconds later gets nothing in.</remarks>
        public void FillSendPath() => FillSendPath(Socket);

        /// <summary>See <see cref="FillSendPath()"/>: fills <paramref name="socket"/>'s send path and restores its mode.</summary>
        public static void FillSendPath(Socket socket)
        {
            var chunk = new byte[64 * 1024];
            var blocking = socket.Blocking;
            socket.Blocking = false;
            try
            {
                var total = 0L;
                var quiet = 0;
                for (var round = 0; round < 1000; round++)
                {
                    var sent = 0L;
                    for (var size = chunk.Length; size > 0; size /= 4)
                    {
                        while (true)
                        {
                            var count = socket.Send(chunk, 0, size, SocketFlags.None, out var error);
                            if (error == SocketError.WouldBlock)
                            {
                                break;
                            }

                            if (error != SocketError.Success)
                            {
                                throw new SocketException((int)error);
                            }

                            sent += count;
                        }
                    }

                    total += sent;
                    quiet = sent == 0 ? quiet + 1 : 0;
                    if (quiet == 3 || total > 64L * 1024 * 1024)
                    {
                        break;
                    }

                    Thread.Sleep(10);
                }

                if (total > 64L * 1024 * 1024)
                {
                    throw new InvalidOperationException("64 MiB went out and the socket never filled up: is the peer reading?");
                }
            }
            finally
            {
                socket.Blocking = blocking;
            }
        }

        public void Dispose()
        {
            try
            {
                Ours.Dispose();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Closed under a pending operation; the socket below goes either way.
            }

            Socket.Dispose();
        }

        private static async Task<LoadConnection> ConnectAsync(IPEndPoint endPoint, CloseApi api, PeerBehaviour behaviour, TimeSpan timeout)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            SslStream? ssl = null;
            try
            {
                await socket.ConnectAsync(endPoint).WaitAsync(timeout).ConfigureAwait(false);
                ssl = new SslStream(new TlsTransport(new NetworkStream(socket, ownsSocket: true)));
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = SslProtocols.Tls13,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => LoadCertificate.Instance.Matches(certificate),
                }).WaitAsync(timeout).ConfigureAwait(false);
                return new LoadConnection(ssl, socket, api, behaviour);
            }
            catch
            {
                ssl?.Dispose();
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>The certificate of every load peer: ECDSA P-256, so that thousands of handshakes cost little CPU (an RSA
    /// 2048 signature is ~20 times an ECDSA one), written as PEM files for s_server and the .NET peer host.</summary>
    public sealed class LoadCertificate
    {
        private static readonly Lazy<LoadCertificate> Shared = new Lazy<LoadCertificate>(() => new LoadCertificate());

        private LoadCertificate()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            Thumbprint = certificate.GetCertHashString();
            Directory = Path.Combine(Path.GetTempPath(), "closenotify-load-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            CertificatePemPath = Path.Combine(Directory, "cert.pem");
            KeyPemPath = Path.Combine(Directory, "key.pem");
            File.WriteAllText(CertificatePemPath, certificate.ExportCertificatePem());
            File.WriteAllText(KeyPemPath, key.ExportPkcs8PrivateKeyPem());
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(Directory);
        }

        public static LoadCertificate Instance => Shared.Value;

        public string Directory { get; }

        public string CertificatePemPath { get; }

        public string KeyPemPath { get; }

        public string Thumbprint { get; }

        public bool Matches(X509Certificate? certificate) =>
            certificate != null && string.Equals(certificate.GetCertHashString(), Thumbprint, StringComparison.OrdinalIgnoreCase);

        private static void Delete(string directory)
        {
            try
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A peer still holding a file: the system cleans its temp directory later.
            }
        }
    }
}
