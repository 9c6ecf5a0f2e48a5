using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using CloseNotify;

namespace Demo
{
    /// <summary>The part of OpenSSL's libssl a native TLS wrapper binds (compiled; the demo never calls it).</summary>
    internal static class LibSsl
    {
        [DllImport("libssl.so.3")]
        public static extern int SSL_shutdown(IntPtr ssl);

        [DllImport("libssl.so.3")]
        public static extern int SSL_get_error(IntPtr ssl, int ret);

        [DllImport("libssl.so.3")]
        public static extern void SSL_free(IntPtr ssl);
    }

    /// <summary>A blocking native TLS connection, the way small wrappers close it.</summary>
    internal sealed class NativeTlsConnection : IDisposable
    {
        private readonly IntPtr _ssl;
        private readonly Socket _socket;

        public NativeTlsConnection(IntPtr ssl, Socket socket)
        {
            _ssl = ssl;
            _socket = socket;
        }

        /// <summary>TLS002: SSL_shutdown called once, its result (0: the peer's close_notify not seen yet) ignored.</summary>
        public void Dispose()
        {
            LibSsl.SSL_shutdown(_ssl);
            LibSsl.SSL_free(_ssl);
            _socket.Dispose();
        }
    }

    /// <summary>A native TLS connection driven by an event loop on a non-blocking socket.</summary>
    internal sealed class EventLoopTlsConnection
    {
        private readonly IntPtr _ssl;
        private readonly Socket _socket;

        public EventLoopTlsConnection(IntPtr ssl, Socket socket)
        {
            _ssl = ssl;
            _socket = socket;
            _socket.Blocking = false;
        }

        /// <summary>TLS002 (non-blocking): the blocking idiom "call again once on 0" returns at once here, with
        /// SSL_ERROR_WANT_READ, and the shutdown is left half done.</summary>
        public void Close()
        {
            if (LibSsl.SSL_shutdown(_ssl) == 0)
            {
                LibSsl.SSL_shutdown(_ssl);
            }

            LibSsl.SSL_free(_ssl);
            _socket.Dispose();
        }

        /// <summary>Correct: the runtime's driver calls SSL_shutdown again on 0 and waits for the socket on
        /// WANT_READ/WANT_WRITE, within a deadline.</summary>
        public TlsCloseResult CloseGracefully()
        {
            var result = OpenSslShutdown.Drive(_ssl);
            LibSsl.SSL_free(_ssl);
            _socket.Dispose();
            return result;
        }
    }
}
