using System;
using System.Security.Authentication;

namespace CloseNotify.Testing
{
    /// <summary>Which end of the TLS connection an endpoint plays.</summary>
    public enum TlsPeerRole
    {
        /// <summary>The end that connects and starts the handshake.</summary>
        Client,

        /// <summary>The end that listens and presents the certificate.</summary>
        Server,
    }

    /// <summary>Options of a <see cref="TlsPeer"/>.</summary>
    public sealed class TlsPeerOptions
    {
        /// <summary>The TLS versions the peer accepts (default <see cref="SslProtocols.None"/>: what the system allows,
        /// TLS 1.2 and 1.3 on today's systems). <see cref="Tls13"/> names TLS 1.3 on every build.</summary>
        public SslProtocols Protocols { get; set; } = SslProtocols.None;

        /// <summary>TLS 1.3 (<c>SslProtocols.Tls13</c>, which the netstandard2.0 reference surface does not name).</summary>
        public static SslProtocols Tls13 => TlsVersions.Tls13;

        /// <summary>The certificate the peer presents as a server (default <see cref="PeerCertificate.Shared"/>).</summary>
        public PeerCertificate? Certificate { get; set; }

        /// <summary>The host name a client peer sends (SNI) and checks nothing against (default <c>localhost</c>).</summary>
        public string TargetHost { get; set; } = "localhost";

        /// <summary>What the peer does (default <see cref="PeerScript.Answer"/>). Copied at start; change the running
        /// peer's through <see cref="TlsPeer.Script"/>.</summary>
        public PeerScript? Script { get; set; }

        /// <summary>The bound of the connection and the handshake, and the default bound of every wait of the peer
        /// (default 10 s).</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How many received application bytes the peer keeps for <see cref="PeerCloseReport.Received"/>
        /// (default 1 MiB; all are counted).</summary>
        public int MaxRecordedBytes { get; set; } = 1024 * 1024;

        internal TlsPeerOptions Validated()
        {
            if (Timeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be positive.");
            }

            if (MaxRecordedBytes < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxRecordedBytes), MaxRecordedBytes, "The limit cannot be negative.");
            }

            if (string.IsNullOrEmpty(TargetHost))
            {
                throw new ArgumentException("A target host is required.", nameof(TargetHost));
            }

            var copy = (TlsPeerOptions)MemberwiseClone();
            copy.Script = (Script ?? PeerScript.Answer).Clone();
            copy.Script.Validate();
            return copy;
        }
    }

    /// <summary>The TLS 1.3 value, which the netstandard2.0 <see cref="SslProtocols"/> does not name.</summary>
    internal static class TlsVersions
    {
        public const SslProtocols Tls13 = (SslProtocols)12288;
    }
}
