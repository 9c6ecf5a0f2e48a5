// TLS003: the sources its tests share.
namespace CloseNotify.Analyzers.Tests.TLS003
{
    internal static class Sources
    {
        internal const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
";

        internal const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        // An upgrade helper that hands out its authenticated SslStream as Task<Stream>.
        internal const string StreamUpgrade = @"
static class Upgrade
{
    public static async Task<Stream> ToTlsAsync(Stream plain, string host)
    {
        var ssl = new SslStream(plain);
        await ssl.AuthenticateAsClientAsync(host);
        return ssl;
    }
}
";
    }
}
