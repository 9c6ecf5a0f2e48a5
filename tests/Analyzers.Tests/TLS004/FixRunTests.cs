// TLS004's cross-type fix, run: the fixed code (and, as the control, the code before the fix) compiled and driven against
// a TLS peer on loopback that tells our close_notify from a bare TCP end (TlsTransport under its SslStream).
using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FixRunTests
    {
        private static readonly Lazy<X509Certificate2> Certificate = new Lazy<X509Certificate2>(CreateCertificate);

        // Kick shuts the session's socket down, then disposes the session, whose Dispose sends close_notify: too late before
        // the fix (the transport is gone), in time after it.
        [Fact]
        public async Task The_fixed_kick_sends_close_notify_and_the_original_does_not()
        {
            var source = DiagnosticsTests.Usings + OtherTypesDiagnosticsTests.Session + FixTests.Manager;
            var fixedSource = await WithFlowModel.FixAsync(source, LanguageVersion.CSharp7_3);
            var original = source.Replace("{|TLS004:", string.Empty).Replace("|}", string.Empty);

            Assert.False(await KickAsync(await WithFlowModel.EmitAsync(original, LanguageVersion.CSharp7_3)), "the original order must not send close_notify");
            Assert.True(await KickAsync(await WithFlowModel.EmitAsync(fixedSource, LanguageVersion.CSharp7_3)), "the fixed order must send close_notify");
        }

        /// <summary>Connects a peer to a Session of <paramref name="image"/>, exchanges data, kicks the session, and says
        /// whether the peer's read ended on close_notify (true) or on a bare end of the TCP stream (false).</summary>
        private static async Task<bool> KickAsync(byte[] image)
        {
            var assembly = Assembly.Load(image);
            var sessionType = assembly.GetType("Session", throwOnError: true)!;
            var managerType = assembly.GetType("SessionManager", throwOnError: true)!;

            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            using var client = new TcpClient();
            var connect = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await connect.WaitAsync(TimeSpan.FromSeconds(10));
            using var transport = new TlsTransport(client.GetStream());
            using var peer = new SslStream(transport, false, (sender, certificate, chain, errors) => true);

            var session = Activator.CreateInstance(sessionType, socket)!;
            try
            {
                var serverHandshake = (Task)sessionType.GetMethod("StartAsync")!.Invoke(session, new object[] { Certificate.Value })!;
                await Task.WhenAll(serverHandshake, peer.AuthenticateAsClientAsync("localhost")).WaitAsync(TimeSpan.FromSeconds(10));
                await ((Task)sessionType.GetMethod("SendAsync")!.Invoke(session, new object[] { new byte[] { 1, 2, 3 } })!).WaitAsync(TimeSpan.FromSeconds(10));
                var buffer = new byte[16];
                Assert.Equal(3, await peer.ReadAtLeastAsync(buffer, 3).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

                managerType.GetMethod("Kick")!.Invoke(Activator.CreateInstance(managerType), new[] { session });

                try
                {
                    while (await peer.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0)
                    {
                    }
                }
                catch (IOException)
                {
                    // A reset or a truncated record: no close_notify either.
                    return false;
                }

                return !transport.ReachedEnd;
            }
            finally
            {
                ((IDisposable)session).Dispose();
                socket.Dispose();
            }
        }

        private static X509Certificate2 CreateCertificate()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

            // Round-trip through PFX: on Linux an ephemeral key cannot be used by SslStream as a server credential.
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        }
    }
}
