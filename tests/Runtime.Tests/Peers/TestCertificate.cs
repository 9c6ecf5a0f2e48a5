using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>The one self-signed certificate of a test run, made in memory and also written as PEM files for the
    /// openssl command-line peers. Making an RSA key costs tens of milliseconds: it is shared by every test.</summary>
    public sealed class TestCertificate
    {
        private static readonly Lazy<TestCertificate> Shared = new Lazy<TestCertificate>(() => new TestCertificate());

        private TestCertificate()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

            // Round-trip through PFX: on Linux an ephemeral key cannot be used by SslStream as a server credential.
            Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

            Directory = Path.Combine(Path.GetTempPath(), "closenotify-tests-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            CertificatePemPath = Path.Combine(Directory, "cert.pem");
            KeyPemPath = Path.Combine(Directory, "key.pem");
            File.WriteAllText(CertificatePemPath, created.ExportCertificatePem());
            File.WriteAllText(KeyPemPath, key.ExportPkcs8PrivateKeyPem());

            // The directory lives as long as the test process: the openssl peers read the PEM files at any time.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteDirectory();
        }

        public static TestCertificate Instance => Shared.Value;

        /// <summary>The certificate with its private key, for SslStream servers.</summary>
        public X509Certificate2 Certificate { get; }

        /// <summary>A temporary directory of this test run (PEM files, logs).</summary>
        public string Directory { get; }

        public string CertificatePemPath { get; }

        public string KeyPemPath { get; }

        private void DeleteDirectory()
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A peer process still holding a file: the temp directory is cleaned by the system later.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
