// One fixable shape per rule, with its fix, for the convention tests: each is run as dotnet format runs it.
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    internal static class RuleCases
    {
        public const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
";

        /// <summary>Rule id, then the class (after the usings) before and after its fix, whether the fix adds
        /// <c>using CloseNotify;</c>, and whether the project references the runtime.</summary>
        public static readonly IReadOnlyDictionary<string, (string Source, string Fixed, bool Imports, bool WithRuntime)> All = new Dictionary<string, (string, string, bool, bool)>
        {
            // Without the runtime: the BCL close, a try block of several lines.
            ["TLS001"] = (@"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        // done
        ssl.Dispose();
        tcp.Close();
    }
}
", @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        // done
        try
        {
            ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        ssl.Dispose();
        tcp.Close();
    }
}
", false, false),
            // The single SSL_shutdown becomes a loop over the project's own imports.
            ["TLS002"] = (@"
class Client
{
    [DllImport(""libssl"")]
    static extern int SSL_shutdown(IntPtr ssl);

    [DllImport(""libssl"")]
    static extern int SSL_get_error(IntPtr ssl, int ret);

    void Close(IntPtr ssl)
    {
        SSL_shutdown(ssl);
    }
}
", @"
class Client
{
    [DllImport(""libssl"")]
    static extern int SSL_shutdown(IntPtr ssl);

    [DllImport(""libssl"")]
    static extern int SSL_get_error(IntPtr ssl, int ret);

    void Close(IntPtr ssl)
    {
        for (var started = Environment.TickCount; unchecked(Environment.TickCount - started) < 2000; Thread.Sleep(1))
        {
            var result = SSL_shutdown(ssl);
            if (result == 1)
            {
                break;
            }

            if (result < 0)
            {
                var error = SSL_get_error(ssl, result);
                if (error != 2 && error != 3)
                {
                    break;
                }
            }
        }
    }
}
", false, true),
            ["TLS003"] = (@"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch
        {
            // ignored
        }
    }
}
", @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
            // ignored
        }
    }
}
", true, true),
            ["TLS004"] = (@"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""b.example"");
        await ssl.WriteAsync(data, 0, data.Length);
        if (data.Length > 0)
        {
            tcp.Close();
        }
    }
}
", @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""b.example"");
        await ssl.WriteAsync(data, 0, data.Length);
        if (data.Length > 0)
        {
            await TlsClose.GracefulAsync(ssl);
            tcp.Close();
        }
    }
}
", true, true),
            ["TLS005"] = (@"
class Client
{
    void Quit(SslStream ssl, byte[] quit)
    {
        ssl.ShutdownAsync().Wait();
        ssl.Write(quit, 0, quit.Length);
        ssl.Dispose();
    }
}
", @"
class Client
{
    void Quit(SslStream ssl, byte[] quit)
    {
        ssl.Write(quit, 0, quit.Length);
        ssl.ShutdownAsync().Wait();
        ssl.Dispose();
    }
}
", false, true),
            // Without the runtime: the loop stays, inside a using of a token source that bounds its reads.
            ["TLS006"] = (@"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] buffer)
    {
        await ssl.ShutdownAsync();
        int n;
        while ((n = await ssl.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            Console.WriteLine(n);
        }

        ssl.Dispose();
    }
}
", @"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] buffer)
    {
        await ssl.ShutdownAsync();
        int n;
        using (var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            while ((n = await ssl.ReadAsync(buffer, 0, buffer.Length, drainTimeout.Token)) > 0)
            {
                Console.WriteLine(n);
            }
        }

        ssl.Dispose();
    }
}
", false, false),
        };

        public static IEnumerable<object[]> Ids => All.Keys.SelectMany(id => LanguageVersions.All.Select(v => new[] { id, v[0] }));

        /// <summary>The whole file before and after the fix.</summary>
        public static (string Source, string Fixed) File(string id)
        {
            var (source, fixedSource, imports, _) = All[id];
            // The BCL close's filter names AuthenticationException (a close with no session): its using comes in order.
            var usings = id == "TLS001" ? Usings.Replace("using System.Threading;\n", "using System.Security.Authentication;\nusing System.Threading;\n") : Usings;
            return (Usings + source, usings + (imports ? "using CloseNotify;\n" : "") + fixedSource);
        }

        /// <summary>The text dotnet format writes for <paramref name="source"/> under rule <paramref name="id"/>.</summary>
        public static Task<string> FixAsync(string id, string source, LanguageVersion version, string? editorConfig = null) => FixAsync(id, source, version, All[id].WithRuntime, editorConfig);

        private static Task<string> FixAsync(string id, string source, LanguageVersion version, bool withRuntime, string? editorConfig) => id switch
        {
            "TLS001" => DotnetFormatRun.FixAsync<DisposedWithoutCloseNotifyAnalyzer, DisposedWithoutCloseNotifyFixer>(source, version, withRuntime, editorConfig),
            "TLS002" => DotnetFormatRun.FixAsync<SingleShotShutdownAnalyzer, SingleShotShutdownFixer>(source, version, withRuntime, editorConfig),
            "TLS003" => DotnetFormatRun.FixAsync<SwallowedCloseErrorAnalyzer, SwallowedCloseErrorFixer>(source, version, withRuntime, editorConfig),
            "TLS004" => DotnetFormatRun.FixAsync<TransportClosedUnderTlsAnalyzer, TransportClosedUnderTlsFixer>(source, version, withRuntime, editorConfig),
            "TLS005" => DotnetFormatRun.FixAsync<WriteAfterShutdownAnalyzer, WriteAfterShutdownFixer>(source, version, withRuntime, editorConfig),
            _ => DotnetFormatRun.FixAsync<UnboundedDrainAnalyzer, UnboundedDrainFixer>(source, version, withRuntime, editorConfig),
        };
    }
}
