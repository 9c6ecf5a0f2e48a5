using System;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Demo
{
    /// <summary>What both ends of the demo share: a throw-away server certificate, the client's pinning of it, and
    /// the line encoding of the protocol.</summary>
    internal static class DemoTls
    {
        public const string HostName = "localhost";

        /// <summary>A self-signed certificate for localhost, valid for a day, made in memory.</summary>
        public static X509Certificate2 CreateServerCertificate()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=" + HostName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(HostName);
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

            // On Linux an ephemeral key cannot serve as an SslStream server credential: round-trip through PFX.
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        }

        /// <summary>Client options that trust exactly the demo server's certificate (pinned by its SHA-256 hash).</summary>
        public static SslClientAuthenticationOptions ClientOptions(string serverCertificateHash) => new SslClientAuthenticationOptions
        {
            TargetHost = HostName,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate != null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), serverCertificateHash, StringComparison.OrdinalIgnoreCase),
        };

        public static byte[] Line(string text) => Encoding.ASCII.GetBytes(text + "\r\n");

        // Every message of the protocol is one short line written in one call, so it travels in one TLS record and
        // one read returns it whole.
        public static string Text(byte[] buffer, int count) => Encoding.ASCII.GetString(buffer, 0, count).TrimEnd('\r', '\n');
    }
}
