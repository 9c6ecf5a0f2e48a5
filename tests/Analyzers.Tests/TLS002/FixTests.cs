// TLS002: the fixes and Fix All.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;
using static CloseNotify.Analyzers.Tests.TLS002.Sources;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class FixTests
    {
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_awaits_a_dropped_task_in_async_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        await ssl.FlushAsync();
        // say goodbye
        {|TLS002:ssl.ShutdownAsync().ConfigureAwait(false)|};
        ssl.Dispose();
    }
}", Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        await ssl.FlushAsync();
        // say goodbye
        await ssl.ShutdownAsync().ConfigureAwait(false);
        ssl.Dispose();
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_completes_synchronously_where_the_method_is_not_async(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    public void Close(SslStream ssl)
    {
        _ = {|TLS002:ssl.ShutdownAsync()|};
        ssl.Dispose();
    }
}", UsingsWithRuntime + @"
class Client
{
    public void Close(SslStream ssl)
    {
        TlsClose.Notify(ssl);
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Without_the_runtime_the_synchronous_completion_is_bounded_and_ignores_a_peer_gone(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    public void Close(SslStream ssl)
    {
        _ = {|TLS002:ssl.ShutdownAsync()|};
        ssl.Dispose();
    }
}", Usings.Replace("using System.Runtime.InteropServices;\n", "using System.Runtime.InteropServices;\nusing System.Security.Authentication;\n") + @"
class Client
{
    public void Close(SslStream ssl)
    {
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
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_awaits_a_stored_task_right_after_it_starts(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var pending = {|TLS002:ssl.ShutdownAsync()|};
        ssl.Dispose();
        await pending;
    }
}", Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var pending = ssl.ShutdownAsync();
        await pending;
        ssl.Dispose();
        await pending;
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_calls_the_projects_own_SSL_shutdown_until_the_close_completes(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + LibSsl + @"
class EventLoopConnection
{
    IntPtr _ssl;

    void Connect(Socket socket) => socket.Blocking = false;

    void Close()
    {
        // tell the peer we are done
        {|TLS002:LibSsl.SSL_shutdown(_ssl)|};
    }

    void CloseWithBlockingIdiom()
    {
        if ({|TLS002:LibSsl.SSL_shutdown(_ssl)|} == 0)
            LibSsl.SSL_shutdown(_ssl);
    }
}", Usings + LibSsl + @"
class EventLoopConnection
{
    IntPtr _ssl;

    void Connect(Socket socket) => socket.Blocking = false;

    void Close()
    {
        // tell the peer we are done
        for (var started = Environment.TickCount; unchecked(Environment.TickCount - started) < 2000; Thread.Sleep(1))
        {
            var result = LibSsl.SSL_shutdown(_ssl);
            if (result == 1)
            {
                break;
            }

            if (result < 0)
            {
                var error = LibSsl.SSL_get_error(_ssl, result);
                if (error != 2 && error != 3)
                {
                    break;
                }
            }
        }
    }

    void CloseWithBlockingIdiom()
    {
        for (var started = Environment.TickCount; unchecked(Environment.TickCount - started) < 2000; Thread.Sleep(1))
        {
            var result = LibSsl.SSL_shutdown(_ssl);
            if (result == 1)
            {
                break;
            }

            if (result < 0)
            {
                var error = LibSsl.SSL_get_error(_ssl, result);
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
        public Task Fix_all_completes_every_dropped_task(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Pool
{
    Timer _timer;

    void CloseAll(List<SslStream> streams)
    {
        foreach (var ssl in streams)
        {
            {|TLS002:ssl.ShutdownAsync()|};
        }
    }

    async Task CloseAsync(SslStream first, SslStream second)
    {
        {|TLS002:first.ShutdownAsync()|};
        _ = {|TLS002:second.ShutdownAsync()|};
        await Task.Yield();
    }

    void CloseLater(SslStream ssl)
    {
        _timer = new Timer(_ => {|TLS002:ssl.ShutdownAsync()|}, null, 1000, Timeout.Infinite);
    }
}", Usings.Replace("using System.Collections.Generic;\n", "using System.Collections.Generic;\nusing System.Diagnostics;\n") + "using CloseNotify;\n" + @"
class Pool
{
    Timer _timer;

    void CloseAll(List<SslStream> streams)
    {
        foreach (var ssl in streams)
        {
            try
            {
                ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
            }
            catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
            {
                // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
            }
        }
    }

    async Task CloseAsync(SslStream first, SslStream second)
    {
        await first.ShutdownAsync();
        await second.ShutdownAsync();
        await Task.Yield();
    }

    void CloseLater(SslStream ssl)
    {
        _timer = new Timer(_ =>
        {
            try
            {
                ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
            }
            catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
            {
                // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
            }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
        }, null, 1000, Timeout.Infinite);
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);
    }
}
