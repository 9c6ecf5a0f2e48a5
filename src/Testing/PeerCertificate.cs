using System;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloseNotify.Testing
{
    /// <summary>The certificate a <see cref="TlsPeer"/> presents (or lends to the driver's own server), made in memory,
    /// and the ways a driver under test can trust it: a validation callback, the certificate itself, its thumbprint, its
    /// PEM text.</summary>
    /// <remarks>The certificate is self-signed, for <c>CN=localhost</c> with the subject alternative names
    /// <c>localhost</c> and <c>127.0.0.1</c>, an RSA 2048 key, valid from a day ago for a week. Making a key costs tens of
    /// milliseconds: <see cref="Shared"/> makes one per process.</remarks>
    public sealed class PeerCertificate
    {
        private static readonly Lazy<PeerCertificate> SharedInstance = new Lazy<PeerCertificate>(() => Create());

        private PeerCertificate(X509Certificate2 certificate, string? privateKeyPem)
        {
            Certificate = certificate;
            Thumbprint = certificate.Thumbprint;
            CertificatePem = ToPem("CERTIFICATE", certificate.RawData);
            PrivateKeyPemOrNull = privateKeyPem;
        }

        /// <summary>One certificate for the whole process, made on first use.</summary>
        /// <exception cref="PlatformNotSupportedException">The running framework cannot make certificates (see <see cref="Create"/>).</exception>
        public static PeerCertificate Shared => SharedInstance.Value;

        /// <summary>The certificate, with its private key (a TLS server can present it).</summary>
        public X509Certificate2 Certificate { get; }

        /// <summary>The SHA-1 thumbprint, upper-case hexadecimal (what <see cref="X509Certificate.GetCertHashString()"/> returns).</summary>
        public string Thumbprint { get; }

        /// <summary>The certificate (no key) as PEM text, for a client that trusts a CA file (<c>openssl s_client -CAfile</c>,
        /// a driver's "root certificate" setting).</summary>
        public string CertificatePem { get; }

        /// <summary>The private key as PKCS#8 PEM text (for an <c>openssl s_server</c> that presents the same certificate),
        /// or null on the netstandard2.0 build, whose reference surface cannot export keys.</summary>
        public string? PrivateKeyPemOrNull { get; }

        /// <summary>A validation callback that accepts this certificate, whatever the chain or name errors (it is
        /// self-signed), and refuses every other: pass it to <see cref="SslStream"/> or to
        /// <c>SslClientAuthenticationOptions.RemoteCertificateValidationCallback</c>.</summary>
        public RemoteCertificateValidationCallback ValidationCallback => (_, certificate, _, _) => Matches(certificate);

        /// <summary>Makes a new self-signed certificate for <paramref name="subjectName"/> (a DNS name, also used as CN).</summary>
        /// <param name="subjectName">The host name a client connects to.</param>
        /// <returns>The certificate.</returns>
        /// <exception cref="ArgumentException"><paramref name="subjectName"/> is null or empty.</exception>
        /// <exception cref="PlatformNotSupportedException">The netstandard2.0 build runs on a framework without
        /// <c>CertificateRequest</c> (.NET Framework before 4.7.2): pass a certificate with <see cref="From"/>.</exception>
        public static PeerCertificate Create(string subjectName = "localhost")
        {
            if (string.IsNullOrEmpty(subjectName))
            {
                throw new ArgumentException("A subject name is required.", nameof(subjectName));
            }

            var (certificate, keyPem) = SelfSigned.Create(subjectName);
            return new PeerCertificate(certificate, keyPem);
        }

        /// <summary>Uses a certificate of your own (it must carry its private key when the peer is a server).</summary>
        /// <param name="certificate">The certificate.</param>
        /// <returns>The peer certificate.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
        public static PeerCertificate From(X509Certificate2 certificate) =>
            new PeerCertificate(certificate ?? throw new ArgumentNullException(nameof(certificate)), null);

        /// <summary>True when <paramref name="certificate"/> is this certificate (same thumbprint).</summary>
        /// <param name="certificate">A certificate a TLS handshake presented; null is never a match.</param>
        /// <returns>Whether it is this certificate.</returns>
        public bool Matches(X509Certificate? certificate) =>
            certificate != null && string.Equals(certificate.GetCertHashString(), Thumbprint, StringComparison.OrdinalIgnoreCase);

        internal static string ToPem(string label, byte[] der)
        {
            var text = new StringBuilder();
            text.Append("-----BEGIN ").Append(label).Append("-----\n");
            var base64 = Convert.ToBase64String(der);
            for (var i = 0; i < base64.Length; i += 64)
            {
                text.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
            }

            return text.Append("-----END ").Append(label).Append("-----\n").ToString();
        }
    }
}
