// TLS002: the sources its tests share.
namespace CloseNotify.Analyzers.Tests.TLS002
{
    internal static class Sources
    {
        internal const string Usings = @"using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
";

        internal const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        internal const string LibSsl = @"
static class LibSsl
{
    [DllImport(""libssl.so.3"")]
    public static extern int SSL_shutdown(IntPtr ssl);

    [DllImport(""libssl.so.3"")]
    public static extern int SSL_get_error(IntPtr ssl, int ret);
}
";
    }
}
