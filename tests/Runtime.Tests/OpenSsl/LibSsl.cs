using System;
using System.Runtime.InteropServices;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>The test side's own P/Invoke declarations for the system OpenSSL 3 (<c>libssl.so.3</c>): what it takes
    /// to set up an <c>SSL*</c> on a socket, independent of the runtime's binding under test.</summary>
    internal static class LibSsl
    {
        public const string Ssl = "libssl.so.3";
        public const string Crypto = "libcrypto.so.3";

        public const int SslErrorNone = 0;
        public const int SslErrorSsl = 1;
        public const int SslErrorWantRead = 2;
        public const int SslErrorWantWrite = 3;
        public const int SslErrorSyscall = 5;
        public const int SslErrorZeroReturn = 6;

        // SSL_get_shutdown flags (ssl.h).
        public const int SentShutdown = 1;
        public const int ReceivedShutdown = 2;

        public const int FiletypePem = 1;
        public const int Tls12Version = 0x0303;
        public const int Tls13Version = 0x0304;

        // SSL_CTX_set_min/max_proto_version are macros over SSL_CTX_ctrl (ssl.h).
        private const int CtrlSetMinProtoVersion = 123;
        private const int CtrlSetMaxProtoVersion = 124;

        [DllImport(Ssl)]
        public static extern IntPtr TLS_client_method();

        [DllImport(Ssl)]
        public static extern IntPtr TLS_server_method();

        [DllImport(Ssl)]
        public static extern IntPtr SSL_CTX_new(IntPtr method);

        [DllImport(Ssl)]
        public static extern void SSL_CTX_free(IntPtr ctx);

        [DllImport(Ssl)]
        public static extern long SSL_CTX_ctrl(IntPtr ctx, int command, long larg, IntPtr parg);

        [DllImport(Ssl, CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern int SSL_CTX_use_certificate_file(IntPtr ctx, string file, int type);

        [DllImport(Ssl, CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern int SSL_CTX_use_PrivateKey_file(IntPtr ctx, string file, int type);

        [DllImport(Ssl)]
        public static extern IntPtr SSL_new(IntPtr ctx);

        [DllImport(Ssl)]
        public static extern void SSL_free(IntPtr ssl);

        [DllImport(Ssl)]
        public static extern int SSL_set_fd(IntPtr ssl, int fd);

        [DllImport(Ssl, SetLastError = true)]
        public static extern int SSL_connect(IntPtr ssl);

        [DllImport(Ssl, SetLastError = true)]
        public static extern int SSL_accept(IntPtr ssl);

        [DllImport(Ssl, SetLastError = true)]
        public static extern int SSL_write(IntPtr ssl, byte[] buffer, int count);

        [DllImport(Ssl, SetLastError = true)]
        public static extern int SSL_read(IntPtr ssl, ref byte buffer, int count);

        [DllImport(Ssl, SetLastError = true)]
        public static extern int SSL_shutdown(IntPtr ssl);

        [DllImport(Ssl)]
        public static extern int SSL_get_shutdown(IntPtr ssl);

        [DllImport(Ssl)]
        public static extern int SSL_get_error(IntPtr ssl, int result);

        [DllImport(Ssl)]
        public static extern int SSL_version(IntPtr ssl);

        [DllImport(Crypto)]
        public static extern UIntPtr ERR_get_error();

        [DllImport(Crypto)]
        public static extern void ERR_clear_error();

        public static void SetProtocol(IntPtr ctx, int version)
        {
            if (SSL_CTX_ctrl(ctx, CtrlSetMinProtoVersion, version, IntPtr.Zero) != 1 ||
                SSL_CTX_ctrl(ctx, CtrlSetMaxProtoVersion, version, IntPtr.Zero) != 1)
            {
                throw Failure("SSL_CTX_set_min/max_proto_version");
            }
        }

        /// <summary>An exception that carries the thread's OpenSSL error queue, for set-up failures.</summary>
        public static InvalidOperationException Failure(string call)
        {
            var codes = string.Empty;
            for (var code = ERR_get_error().ToUInt64(); code != 0; code = ERR_get_error().ToUInt64())
            {
                codes += $" 0x{code:X}";
            }

            return new InvalidOperationException($"{call} failed; OpenSSL errors:{(codes.Length == 0 ? " none" : codes)}.");
        }
    }
}
