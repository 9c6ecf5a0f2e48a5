using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
#if !NET
using System.Collections.ObjectModel;
using System.Reflection;
#endif

namespace CloseNotify.Testing
{
    /// <summary>Makes the self-signed certificate of <see cref="PeerCertificate.Create"/>.</summary>
    internal static class SelfSigned
    {
        private const string SubjectAlternativeNameOid = "2.5.29.17";

        public static (X509Certificate2 Certificate, string? KeyPem) Create(string subjectName)
        {
            using var key = RSA.Create();
            key.KeySize = 2048;
            var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
            var notAfter = DateTimeOffset.UtcNow.AddDays(7);
            var names = new X509Extension(SubjectAlternativeNameOid, SubjectAlternativeNames(subjectName), critical: false);
#if NET
            var request = new CertificateRequest("CN=" + subjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(names);
            using var created = request.CreateSelfSigned(notBefore, notAfter);
            var keyPem = PeerCertificate.ToPem("PRIVATE KEY", key.ExportPkcs8PrivateKey());
#else
            using var created = CreateByLookup(subjectName, key, names, notBefore, notAfter);
            string? keyPem = null;
#endif

            // Round-trip through PFX: on Linux an ephemeral key cannot serve as an SslStream server credential.
            var pfx = created.Export(X509ContentType.Pfx);
            return (new X509Certificate2(pfx, (string?)null, X509KeyStorageFlags.Exportable), keyPem);
        }

        /// <summary>The DER of a SubjectAltName extension value: SEQUENCE { dNSName [2], iPAddress [7] 127.0.0.1 }
        /// (RFC 5280 §4.2.1.6), written by hand so that both builds share it.</summary>
        private static byte[] SubjectAlternativeNames(string dnsName)
        {
            var name = System.Text.Encoding.ASCII.GetBytes(dnsName);
            var address = IPAddress.Loopback.GetAddressBytes();
            if (name.Length > 100)
            {
                throw new ArgumentException("The subject name is too long for this certificate.", nameof(dnsName));
            }

            var der = new byte[2 + 2 + name.Length + 2 + address.Length];
            der[0] = 0x30;
            der[1] = (byte)(der.Length - 2);
            der[2] = 0x82;
            der[3] = (byte)name.Length;
            Buffer.BlockCopy(name, 0, der, 4, name.Length);
            der[4 + name.Length] = 0x87;
            der[5 + name.Length] = (byte)address.Length;
            Buffer.BlockCopy(address, 0, der, 6 + name.Length, address.Length);
            return der;
        }
#if !NET

        /// <summary>CertificateRequest exists on .NET Framework 4.7.2+, .NET Core 2.0+ and Mono, where this build mostly
        /// runs, but not in the netstandard2.0 reference surface: found by name, once per certificate.</summary>
        private static X509Certificate2 CreateByLookup(string subjectName, RSA key, X509Extension names, DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            const string TypeName = "System.Security.Cryptography.X509Certificates.CertificateRequest";
            var type = typeof(X509Certificate2).Assembly.GetType(TypeName)
                ?? typeof(RSA).Assembly.GetType(TypeName)
                ?? Type.GetType(TypeName + ", System.Core")
                ?? Type.GetType(TypeName + ", System.Security.Cryptography.X509Certificates")
                ?? throw new PlatformNotSupportedException("This framework has no CertificateRequest (.NET Framework 4.7.2+ and .NET Core 2.0+ have): pass a certificate of your own with PeerCertificate.From.");
            var constructor = type.GetConstructor(new[] { typeof(string), typeof(RSA), typeof(HashAlgorithmName), typeof(RSASignaturePadding) })!;
            var request = constructor.Invoke(new object[] { "CN=" + subjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1 });
            var extensions = (Collection<X509Extension>)type.GetProperty("CertificateExtensions")!.GetValue(request)!;
            extensions.Add(names);
            var create = type.GetMethod("CreateSelfSigned", new[] { typeof(DateTimeOffset), typeof(DateTimeOffset) })!;
            try
            {
                return (X509Certificate2)create.Invoke(request, new object[] { notBefore, notAfter })!;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                throw e.InnerException;
            }
        }
#endif
    }
}
