// TLS002, reported: ShutdownAsync tasks nobody observes, and SSL_shutdown called once.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;
using static CloseNotify.Analyzers.Tests.TLS002.Sources;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class DiagnosticsTests
    {
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
        public Task Reports_ignored_call_inside_an_event_loop_with_the_event_loop_message(LanguageVersion version) =>
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
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownInEventLoop).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"));

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

        // A socket the type runs non-blocking, set blocking before the shutdown on some paths only, or set back before it.
        private const string NonBlockingChannel = @"
class Channel
{
    Socket _socket;
    Socket _control;
    IntPtr _ssl;

    void Open(Socket socket, Socket control)
    {
        _socket = socket;
        _control = control;
        _socket.Blocking = false;
    }

    void Resume() { _socket.Blocking = false; }
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_shutdown_where_the_socket_is_set_blocking_on_one_branch_only(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingChannel + @"
    void Close(bool graceful)
    {
        if (graceful)
            _socket.Blocking = true;
        {|#0:LibSsl.SSL_shutdown(_ssl)|};
    }
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_shutdown_where_another_socket_is_set_blocking(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingChannel + @"
    void Close()
    {
        _control.Blocking = true;
        {|#0:LibSsl.SSL_shutdown(_ssl)|};
    }
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_shutdown_after_the_socket_was_set_non_blocking_again(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingChannel + @"
    void CloseAfterReset()
    {
        _socket.Blocking = true;
        _socket.Blocking = false;
        {|#0:LibSsl.SSL_shutdown(_ssl)|};
    }

    void CloseAfterResume()
    {
        _socket.Blocking = true;
        Resume();
        if ({|#1:LibSsl.SSL_shutdown(_ssl)|} == 0)
            LibSsl.SSL_shutdown(_ssl);
    }

    void CloseBeforeBlocking()
    {
        {|#2:LibSsl.SSL_shutdown(_ssl)|};
        _socket.Blocking = true;
    }

    void CloseOnReplacedSocket(Socket next)
    {
        _socket.Blocking = true;
        _socket = next;
        {|#3:LibSsl.SSL_shutdown(_ssl)|};
    }

    void CloseAfterFinally(Action flush)
    {
        _socket.Blocking = true;
        try
        {
            flush();
        }
        finally
        {
            _socket.Blocking = false;
        }

        {|#4:LibSsl.SSL_shutdown(_ssl)|};
    }
}", version,
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"),
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(1).WithArguments("SSL_shutdown", "is tested once"),
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(2).WithArguments("SSL_shutdown", "is ignored"),
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(3).WithArguments("SSL_shutdown", "is ignored"),
            Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(4).WithArguments("SSL_shutdown", "is ignored"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_shutdown_in_a_catch_when_only_the_try_set_the_socket_blocking(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingChannel + @"
    void Close(Action flush)
    {
        try
        {
            flush();
            _socket.Blocking = true;
        }
        catch (IOException)
        {
            {|#0:LibSsl.SSL_shutdown(_ssl)|};
        }
    }
}", version, Verify.Diagnostic(Descriptors.SingleShotOpenSslShutdownNonBlocking).WithLocation(0).WithArguments("SSL_shutdown", "is ignored"));
    }
}
