using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloseNotify.Testing;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>The test run's certificate: the kit's <see cref="PeerCertificate.Shared"/> (made in memory once per
    /// process), also written as PEM files for the openssl command-line peers.</summary>
    public sealed class TestCertificate
    {
        private static readonly Lazy<TestCertificate> Shared = new Lazy<TestCertificate>(() => new TestCertificate());

        private TestCertificate()
        {
            Directory = Path.Combine(Path.GetTempPath(), "closenotify-tests-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            CertificatePemPath = Path.Combine(Directory, "cert.pem");
            KeyPemPath = Path.Combine(Directory, "key.pem");
            File.WriteAllText(CertificatePemPath, Peer.CertificatePem);

            // Exported here rather than through PrivateKeyPemOrNull, which the kit's netstandard2.0 build leaves null.
            using var key = Certificate.GetRSAPrivateKey()!;
            File.WriteAllText(KeyPemPath, key.ExportPkcs8PrivateKeyPem());

            // The directory lives as long as the test process: the openssl peers read the PEM files at any time.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteDirectory();
        }

        public static TestCertificate Instance => Shared.Value;

        /// <summary>The kit's certificate, which the .NET peers present.</summary>
        public PeerCertificate Peer => PeerCertificate.Shared;

        /// <summary>The certificate with its private key, for SslStream servers.</summary>
        public X509Certificate2 Certificate => Peer.Certificate;

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
