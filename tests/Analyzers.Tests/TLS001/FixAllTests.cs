// TLS001 Fix All beyond one document: every file of a project, every project of a solution, one equivalence key.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class FixAllTests
    {
        private const string Usings = @"using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        private static readonly string[] Sources =
        {
            Usings + @"
class First
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        {|TLS001:ssl.Dispose()|};
    }
}",
            Usings + @"
class Second
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""b.example"");
        }
    }
}",
        };

        private static readonly string[] Fixed =
        {
            UsingsWithRuntime + @"
class First
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        TlsClose.Notify(ssl);
    }
}",
            UsingsWithRuntime + @"
class Second
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""b.example"");
            await TlsClose.GracefulAsync(ssl);
        }
    }
}",
        };

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_in_project_fixes_every_file(LanguageVersion version) =>
            Verify.FixAllAsync(Sources, Fixed, DisposedWithoutCloseNotifyFixer.GracefulKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_in_solution_fixes_every_project(LanguageVersion version) =>
            Verify.FixAllAsync(Sources, Fixed, DisposedWithoutCloseNotifyFixer.GracefulKey, version, inTwoProjects: true);
    }
}
