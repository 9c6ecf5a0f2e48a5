// TLS002 fix for a single SSL_shutdown: built on the project's own imports, whatever their C# names; none without them.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class OpenSslFixTests
    {
        private const string Usings = @"using System;
using System.Runtime.InteropServices;
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Loop_uses_the_projects_own_imports_by_entry_point_without_the_runtime(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
static class Interop
{
    [DllImport(""libssl-3-x64.dll"", EntryPoint = ""SSL_shutdown"")]
    internal static extern int SslShutdown(IntPtr ssl);
}

static class Errors
{
    [DllImport(""libssl-3-x64.dll"", EntryPoint = ""SSL_get_error"")]
    internal static extern int SslGetError(IntPtr ssl, int ret);
}

sealed class Session
{
    private IntPtr handle;

    public void Close()
    {
        {|TLS002:Interop.SslShutdown(this.handle)|};
    }
}", Usings + @"using System.Threading;

static class Interop
{
    [DllImport(""libssl-3-x64.dll"", EntryPoint = ""SSL_shutdown"")]
    internal static extern int SslShutdown(IntPtr ssl);
}

static class Errors
{
    [DllImport(""libssl-3-x64.dll"", EntryPoint = ""SSL_get_error"")]
    internal static extern int SslGetError(IntPtr ssl, int ret);
}

sealed class Session
{
    private IntPtr handle;

    public void Close()
    {
        for (var started = Environment.TickCount; unchecked(Environment.TickCount - started) < 2000; Thread.Sleep(1))
        {
            var result = Interop.SslShutdown(this.handle);
            if (result == 1)
            {
                break;
            }

            if (result < 0)
            {
                var error = Errors.SslGetError(this.handle, result);
                if (error != 2 && error != 3)
                {
                    break;
                }
            }
        }
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_when_the_project_declares_no_SSL_get_error(LanguageVersion version)
        {
            var source = Usings + @"
static class Interop
{
    [DllImport(""libssl.so.3"")]
    internal static extern int SSL_shutdown(IntPtr ssl);
}

sealed class Session
{
    private IntPtr _ssl;

    public void Close()
    {
        {|TLS002:Interop.SSL_shutdown(_ssl)|};
    }
}";
            return Verify.CodeFixAsync(source, source, SingleShotShutdownFixer.CompleteTaskKey, version);
        }
    }
}
