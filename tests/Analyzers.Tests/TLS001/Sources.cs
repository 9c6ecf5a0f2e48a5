// TLS001: the sources its tests share.
namespace CloseNotify.Analyzers.Tests.TLS001
{
    internal static class Sources
    {
        internal const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        internal const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        // An upgrade helper that returns the transport and the TLS stream as a tuple (its SslStream is on line 13 of a test that starts with Usings).
        internal const string TupleUpgrade = @"
static class Secure
{
    public static async Task<(Stream Transport, SslStream Tls)> UpgradeAsync(TcpClient tcp, string host)
    {
        var transport = tcp.GetStream();
        await transport.WriteAsync(new byte[] { 0x16 }, 0, 1);
        var ssl = new SslStream(transport, true);
        await ssl.AuthenticateAsClientAsync(host);
        return (transport, ssl);
    }
}
";
    }
}
