// TLS002: analyzer shapes (reported and not), the fixes, Fix All.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;

namespace CloseNotify.Analyzers.Tests
{
    public class SingleShotShutdownTests
    {
        private const string Usings = @"using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        private const string LibSsl = @"
static class LibSsl
{
    [DllImport(""libssl.so.3"")]
    public static extern int SSL_shutdown(IntPtr ssl);

    [DllImport(""libssl.so.3"")]
    public static extern int SSL_get_error(IntPtr ssl, int ret);
}
";

        // ---- Reported: ShutdownAsync tasks nobody observes ------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_ShutdownAsync_as_an_expression_statement(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        {|#0:ssl.ShutdownAsync()|};
        ssl.Dispose();
    }
}", version, Verify.Diagnostic(Descriptors.UnobservedShutdownTask).WithLocation(0).WithArguments("'ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_ShutdownAsync_assigned_to_discard_or_configured_and_dropped(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        _ = {|TLS002:ssl.ShutdownAsync()|};
    }

    void CloseConfigured(SslStream ssl)
    {
        {|TLS002:ssl.ShutdownAsync().ConfigureAwait(false)|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stored_task_awaited_only_after_dispose_or_never(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseLateAsync(SslStream ssl)
    {
        var pending = {|TLS002:ssl.ShutdownAsync()|};
        ssl.Dispose();
        await pending;
    }

    void CloseNever(SslStream ssl)
    {
        Task pending;
        pending = {|TLS002:ssl.ShutdownAsync()|};
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_ShutdownAsync_dropped_in_a_loop_or_callback(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
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

    void CloseLater(SslStream ssl)
    {
        _timer = new Timer(_ => {|TLS002:ssl.ShutdownAsync()|}, null, 1000, Timeout.Infinite);
    }
}", version);

        // ---- Reported: SSL_shutdown called once ----------------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SSL_shutdown_whose_result_is_ignored(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class Connection
{
    IntPtr _ssl;

    void Close()
    {
        {|#0:LibSsl.SSL_shutdown(_ssl)|};
    }
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdown).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SSL_shutdown_tested_for_one_value(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class Connection
{
    void Close(IntPtr ssl)
    {
        if ({|#0:LibSsl.SSL_shutdown(ssl)|} < 0)
            throw new IOException(""shutdown failed"");
    }
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdown).WithLocation(0).WithArguments("SSL_shutdown", "is tested once"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_single_call_on_a_non_blocking_socket_with_the_stronger_message(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class EventLoopConnection
{
    Socket _socket;
    IntPtr _ssl;

    void Connect(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = false;
    }

    void Close()
    {
        {|#0:LibSsl.SSL_shutdown(_ssl)|};
    }

    void CloseWithBlockingIdiom()
    {
        if ({|#1:LibSsl.SSL_shutdown(_ssl)|} == 0)
            LibSsl.SSL_shutdown(_ssl);
    }
}", version,
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"),
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(1).WithArguments("SSL_shutdown", "is tested once"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_ignored_call_inside_an_event_loop_with_the_stronger_message(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class Reactor
{
    volatile bool _running = true;

    void Run(Socket socket, IntPtr ssl, Func<bool> closeRequested)
    {
        while (_running)
        {
            socket.Poll(10000, SelectMode.SelectRead);
            if (closeRequested())
            {
                {|#0:LibSsl.SSL_shutdown(ssl)|};
                _running = false;
            }
        }
    }
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SSL_shutdown_bound_under_any_name_and_handle_type(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class SslHandle : SafeHandle
{
    public SslHandle() : base(IntPtr.Zero, true) { }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() => true;
}

static partial class Native
{
    [DllImport(""ssl"", EntryPoint = ""SSL_shutdown"")]
    public static extern int TlsShutdown(SslHandle ssl);

    [LibraryImport(""libssl.so.3"", EntryPoint = ""SSL_shutdown"")]
    public static partial int ShutdownGenerated(IntPtr ssl);

    // Stands in for the part the LibraryImport generator writes.
    public static partial int ShutdownGenerated(IntPtr ssl) => 0;
}

class Connection
{
    void Close(SslHandle handle, IntPtr raw)
    {
        {|TLS002:Native.TlsShutdown(handle)|};
        {|TLS002:Native.ShutdownGenerated(raw)|};
    }
}".Replace("[LibraryImport", version == LanguageVersion.CSharp7_3 ? "[DllImport" : "[LibraryImport")
  .Replace("public static partial int ShutdownGenerated(IntPtr ssl);", version == LanguageVersion.CSharp7_3 ? "public static extern int ShutdownGenerated(IntPtr ssl);" : "public static partial int ShutdownGenerated(IntPtr ssl);")
  .Replace("public static partial int ShutdownGenerated(IntPtr ssl) => 0;", version == LanguageVersion.CSharp7_3 ? string.Empty : "public static partial int ShutdownGenerated(IntPtr ssl) => 0;"), version);

        // ---- Not reported --------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_observed_ShutdownAsync_tasks(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task Awaited(SslStream ssl) { await ssl.ShutdownAsync(); }
    async Task Configured(SslStream ssl) { await ssl.ShutdownAsync().ConfigureAwait(false); }
    Task Returned(SslStream ssl) { return ssl.ShutdownAsync(); }
    Task ExpressionBodied(SslStream ssl) => ssl.ShutdownAsync();
    void Blocking(SslStream ssl) { ssl.ShutdownAsync().GetAwaiter().GetResult(); }
    void Waited(SslStream ssl) { ssl.ShutdownAsync().Wait(); }
    async Task Bounded(SslStream ssl) { await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(5)); }
    Task All(SslStream a, SslStream b) => Task.WhenAll(a.ShutdownAsync(), b.ShutdownAsync());

    async Task StoredThenAwaited(SslStream ssl)
    {
        var pending = ssl.ShutdownAsync();
        await pending;
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_documented_shutdown_loop_and_wrappers(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class Connection
{
    const int WantRead = 2, WantWrite = 3;

    static bool ShutdownFully(IntPtr ssl, Socket socket)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var result = LibSsl.SSL_shutdown(ssl);
            if (result == 1)
                return true;
            if (result == 0)
                continue;
            var error = LibSsl.SSL_get_error(ssl, result);
            if (error == WantRead) { socket.Poll(100000, SelectMode.SelectRead); continue; }
            if (error == WantWrite) { socket.Poll(100000, SelectMode.SelectWrite); continue; }
            return false;
        }

        return false;
    }

    static int Shutdown(IntPtr ssl) => LibSsl.SSL_shutdown(ssl);

    void Close(IntPtr ssl, Socket socket)
    {
        ShutdownFully(ssl, socket);
    }

    void CloseBlocking(IntPtr ssl)
    {
        // The blocking-socket idiom: the second call waits for the peer's close_notify.
        if (LibSsl.SSL_shutdown(ssl) == 0)
            LibSsl.SSL_shutdown(ssl);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_ShutdownAsync_of_an_unrelated_type(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class AmqpChannel
{
    public Task ShutdownAsync() => Task.CompletedTask;
}

class Consumer
{
    void Stop(AmqpChannel channel)
    {
        channel.ShutdownAsync();
    }
}", version);

        // ---- Fixes -----------------------------------------------------------------------------------

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
}", Usings + @"
class Client
{
    public void Close(SslStream ssl)
    {
        ssl.ShutdownAsync().GetAwaiter().GetResult();
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
}", Usings + @"
class Pool
{
    Timer _timer;

    void CloseAll(List<SslStream> streams)
    {
        foreach (var ssl in streams)
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
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
        _timer = new Timer(_ => ssl.ShutdownAsync().GetAwaiter().GetResult(), null, 1000, Timeout.Infinite);
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);
    }
}
