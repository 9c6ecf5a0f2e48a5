using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.OpenSsl;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Testing.Tests
{
    /// <summary>Application data after close_notify, from a real TLS stack: OpenSSL (through P/Invoke) sends its
    /// close_notify, is told its shutdown state is clear again (<c>SSL_set_shutdown(ssl, 0)</c>, as a buggy driver's
    /// reuse of a session would), and writes an encrypted application record. SslStream refuses a write after
    /// ShutdownAsync, so a .NET driver cannot do this.</summary>
    public sealed class DataAfterCloseNotifyTests
    {
        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public async Task Records_after_close_notify_are_counted_and_fail_the_graceful_assertion(SslProtocols protocol)
        {
            using var peer = TlsPeer.StartServer(new TlsPeerOptions { Protocols = protocol, Script = PeerScript.Silent });

            await Bounded.OnThread(() => WriteAfterCloseNotify(peer, protocol));

            var report = await peer.AssertClosedAsync(PeerCloseOutcome.CloseNotifyThenFin);
            Assert.Equal(1, report.RecordsAfterCloseNotify);
            Assert.InRange(report.BytesAfterCloseNotify, 100 + 5, 100 + 5 + 64); // header, payload, tag (and padding)
            Assert.Equal(5, report.BytesReceived);
            Assert.False(report.IsGraceful);
            var error = await Assert.ThrowsAsync<TlsPeerAssertionException>(() => peer.AssertClosedGracefullyAsync());
            Assert.Contains("; it sent 1 more TLS record (", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("expected close_notify then FIN, and nothing after close_notify.", error.Message, StringComparison.Ordinal);
        }

        private static int WriteAfterCloseNotify(TlsPeer peer, SslProtocols protocol)
        {
            using var socket = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(peer.EndPoint);
            var context = LibSsl.SSL_CTX_new(LibSsl.TLS_client_method());
            var ssl = IntPtr.Zero;
            try
            {
                LibSsl.SetProtocol(context, protocol == SslProtocols.Tls12 ? LibSsl.Tls12Version : LibSsl.Tls13Version);
                ssl = LibSsl.SSL_new(context);
                if (LibSsl.SSL_set_fd(ssl, (int)socket.Handle) != 1 || LibSsl.SSL_connect(ssl) != 1)
                {
                    throw LibSsl.Failure("SSL_connect");
                }

                Write(ssl, new byte[5]);
                if (LibSsl.SSL_shutdown(ssl) < 0)
                {
                    throw LibSsl.Failure("SSL_shutdown");
                }

                SSL_set_shutdown(ssl, 0);
                Write(ssl, new byte[100]);
                socket.Shutdown(SocketShutdown.Send);
                return 0;
            }
            finally
            {
                if (ssl != IntPtr.Zero)
                {
                    LibSsl.SSL_free(ssl);
                }

                LibSsl.SSL_CTX_free(context);
            }
        }

        private static void Write(IntPtr ssl, byte[] data)
        {
            if (LibSsl.SSL_write(ssl, data, data.Length) != data.Length)
            {
                throw LibSsl.Failure("SSL_write");
            }
        }

        [DllImport(LibSsl.Ssl)]
        private static extern void SSL_set_shutdown(IntPtr ssl, int mode);
    }
}
