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
    }
}
