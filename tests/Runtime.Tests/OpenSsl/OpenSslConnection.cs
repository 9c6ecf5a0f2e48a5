using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>An <c>SSL*</c> of the system OpenSSL on a NON-BLOCKING loopback socket, handshake done: what an event
    /// loop that calls <c>SSL_shutdown</c> through P/Invoke holds. The socket is a .NET <see cref="Socket"/> with
    /// <see cref="Socket.Blocking"/> false; its handle is the fd given to <c>SSL_set_fd</c>.</summary>
    internal sealed class OpenSslConnection : IDisposable
    {
        private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
        private readonly IntPtr context;

        private OpenSslConnection(Socket socket, IntPtr context, SslHandle handle)
        {
            Socket = socket;
            this.context = context;
            Handle = handle;
        }

        public Socket Socket { get; }

        /// <summary>The <c>SSL*</c>, owned by this connection (freed in <see cref="Dispose"/>).</summary>
        public SslHandle Handle { get; }

        public IntPtr Ssl => Handle.DangerousGetHandle();

        /// <summary><c>SSL_get_shutdown</c>: <see cref="LibSsl.SentShutdown"/> | <see cref="LibSsl.ReceivedShutdown"/>.</summary>
        public int ShutdownState => LibSsl.SSL_get_shutdown(Ssl);

        /// <summary>Connects to <paramref name="endPoint"/> and completes a client handshake.</summary>
        public static OpenSslConnection Connect(IPEndPoint endPoint, SslProtocols protocol)
        {
            Prerequisites.Require();
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(endPoint);
                return Handshake(socket, protocol, server: false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Accepts one connection on <paramref name="listener"/> and completes a server handshake with the
        /// shared test certificate.</summary>
        public static OpenSslConnection Accept(Socket listener, SslProtocols protocol)
        {
            Prerequisites.Require();
            if (!listener.Poll(HandshakeTimeout, SelectMode.SelectRead))
            {
                throw new TimeoutException($"No client connected within {HandshakeTimeout.TotalSeconds} s.");
            }

            var socket = listener.Accept();
            socket.NoDelay = true;
            try
            {
                return Handshake(socket, protocol, server: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Writes all of <paramref name="data"/> with <c>SSL_write</c>, waiting for the socket when it is full.</summary>
        public void Write(byte[] data)
        {
            var deadline = Stopwatch.StartNew();
            var written = 0;
            while (written < data.Length)
            {
                LibSsl.ERR_clear_error();
                var chunk = data.AsSpan(written).ToArray();
                var result = LibSsl.SSL_write(Ssl, chunk, chunk.Length);
                if (result > 0)
                {
                    written += result;
                    continue;
                }

                Wait(LibSsl.SSL_get_error(Ssl, result), "SSL_write", deadline);
            }
        }

        /// <summary>Fills the socket's send buffer and the peer's receive buffer with raw bytes, for a peer that never
        /// reads again: the next OpenSSL write (our close_notify) gets <c>SSL_ERROR_WANT_WRITE</c>. Raw bytes, because a
        /// full <c>SSL_write</c> would leave a partial record pending, and OpenSSL refuses to send an alert behind it
        /// (<c>SSL_R_BAD_WRITE_RETRY</c>); what the silent peer would have read does not matter.</summary>
        public void FillUntilWouldBlock()
        {
            var chunk = new byte[64 * 1024];
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < HandshakeTimeout)
            {
                Socket.Send(chunk, 0, chunk.Length, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    return;
                }

                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }
            }

            throw new TimeoutException("The socket never filled up: is the peer reading?");
        }

        public void Dispose()
        {
            Handle.Dispose();
            LibSsl.SSL_CTX_free(context);
            Socket.Dispose();
        }

        private static OpenSslConnection Handshake(Socket socket, SslProtocols protocol, bool server)
        {
            // The point of the exercise: every OpenSSL call on this socket may return WANT_READ / WANT_WRITE.
            socket.Blocking = false;
            var context = LibSsl.SSL_CTX_new(server ? LibSsl.TLS_server_method() : LibSsl.TLS_client_method());
            if (context == IntPtr.Zero)
            {
                throw LibSsl.Failure("SSL_CTX_new");
            }

            SslHandle? handle = null;
            try
            {
                LibSsl.SetProtocol(context, protocol == SslProtocols.Tls13 ? LibSsl.Tls13Version : LibSsl.Tls12Version);
                if (server &&
                    (LibSsl.SSL_CTX_use_certificate_file(context, TestCertificate.Instance.CertificatePemPath, LibSsl.FiletypePem) != 1 ||
                     LibSsl.SSL_CTX_use_PrivateKey_file(context, TestCertificate.Instance.KeyPemPath, LibSsl.FiletypePem) != 1))
                {
                    throw LibSsl.Failure("SSL_CTX_use_certificate_file/PrivateKey_file");
                }

                handle = new SslHandle(LibSsl.SSL_new(context));
                if (handle.IsInvalid || LibSsl.SSL_set_fd(handle.DangerousGetHandle(), (int)socket.Handle) != 1)
                {
                    throw LibSsl.Failure("SSL_new/SSL_set_fd");
                }

                var ssl = handle.DangerousGetHandle();
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    LibSsl.ERR_clear_error();
                    var result = server ? LibSsl.SSL_accept(ssl) : LibSsl.SSL_connect(ssl);
                    if (result == 1)
                    {
                        break;
                    }

                    Wait(LibSsl.SSL_get_error(ssl, result), server ? "SSL_accept" : "SSL_connect", deadline, socket);
                }

                return new OpenSslConnection(socket, context, handle);
            }
            catch
            {
                handle?.Dispose();
                LibSsl.SSL_CTX_free(context);
                throw;
            }
        }

        private void Wait(int error, string call, Stopwatch deadline) => Wait(error, call, deadline, Socket);

        private static void Wait(int error, string call, Stopwatch elapsed, Socket socket)
        {
            var errno = Marshal.GetLastPInvokeError();
            var left = HandshakeTimeout - elapsed.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{call} did not complete within {HandshakeTimeout.TotalSeconds} s.");
            }

            switch (error)
            {
                case LibSsl.SslErrorWantRead:
                    socket.Poll(left, SelectMode.SelectRead);
                    break;
                case LibSsl.SslErrorWantWrite:
                    socket.Poll(left, SelectMode.SelectWrite);
                    break;
                default:
                    throw LibSsl.Failure($"{call} (SSL_get_error {error}, errno {errno})");
            }
        }
    }

    /// <summary>An <c>SSL*</c> owned by a <see cref="SafeHandle"/> (freed with <c>SSL_free</c>): the shape a caller's
    /// wrapper gives to <see cref="OpenSslShutdown.Drive(SafeHandle)"/>.</summary>
    internal sealed class SslHandle : SafeHandle
    {
        public SslHandle(IntPtr ssl)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle(ssl);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            LibSsl.SSL_free(handle);
            return true;
        }
    }
}
