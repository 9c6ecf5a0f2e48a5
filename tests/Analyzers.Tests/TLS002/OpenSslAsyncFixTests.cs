// TLS002 fix for a single SSL_shutdown by context: in code that can await, the loop awaits its pauses (no thread held
// while the socket is not ready), with ConfigureAwait(false) where the file uses it, on netstandard2.0 as well; in an
// event loop that polls its sockets, no fix (even the bounded retry loop would stall it).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class OpenSslAsyncFixTests
    {
        private const string Imports = @"using System;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

static class Native
{
    [DllImport(""libssl.so.3"")]
    internal static extern int SSL_shutdown(IntPtr ssl);

    [DllImport(""libssl.so.3"")]
    internal static extern int SSL_get_error(IntPtr ssl, int ret);
}
";

        private const string Loop = @"
        for (var started = Environment.TickCount; unchecked(Environment.TickCount - started) < 2000; PAUSE)
        {
            var result = Native.SSL_shutdown(ssl);
            if (result == 1)
            {
                break;
            }

            if (result < 0)
            {
                var error = Native.SSL_get_error(ssl, result);
                if (error != 2 && error != 3)
                {
                    break;
                }
            }
        }";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Loop_in_an_async_method_awaits_its_pauses(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Yield();
        {|TLS002:Native.SSL_shutdown(ssl)|};
    }
}", Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Yield();" + Loop.Replace("PAUSE", "await Task.Delay(1)") + @"
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Loop_keeps_the_files_ConfigureAwait_false(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Delay(0).ConfigureAwait(false);
        {|TLS002:Native.SSL_shutdown(ssl)|};
    }
}", Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Delay(0).ConfigureAwait(false);" + Loop.Replace("PAUSE", "await Task.Delay(1).ConfigureAwait(false)") + @"
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Awaited_loop_compiles_on_netstandard2_0(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Delay(0);
        {|TLS002:Native.SSL_shutdown(ssl)|};
    }
}", Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Delay(0);" + Loop.Replace("PAUSE", "await Task.Delay(1)") + @"
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version, references: TestReferences.NetStandard20);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_retry_loop_is_written_into_an_event_loop(LanguageVersion version)
        {
            const string Source = Imports + @"
sealed class Reactor
{
    private volatile bool running = true;

    public void Run(System.Net.Sockets.Socket socket, IntPtr ssl, Func<bool> closeRequested)
    {
        while (running)
        {
            socket.Poll(10000, System.Net.Sockets.SelectMode.SelectRead);
            if (closeRequested())
            {
                {|TLS002:Native.SSL_shutdown(ssl)|};
                running = false;
            }
        }
    }
}";
            return Verify.CodeFixWithoutRuntimeAsync(Source, Source, SingleShotShutdownFixer.CompleteTaskKey, version);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Loop_in_a_lambda_that_cannot_await_still_sleeps(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Imports + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Run(() =>
        {
            {|TLS002:Native.SSL_shutdown(ssl)|};
        });
    }
}", Imports.Replace("using System.Threading.Tasks;", "using System.Threading;\nusing System.Threading.Tasks;") + @"
sealed class Session
{
    public async Task CloseAsync(IntPtr ssl)
    {
        await Task.Run(() =>
        {" + Loop.Replace("\n        ", "\n            ").Replace("PAUSE", "Thread.Sleep(1)") + @"
        });
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);
    }
}
