// TLS002, not reported: observed shutdowns, driven SSL_shutdown loops, unrelated methods.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;
using static CloseNotify.Analyzers.Tests.TLS002.Sources;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class NoDiagnosticsTests
    {
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

        // A connection that runs its socket non-blocking (the handshake and I/O poll it) and closes it blocking.
        private const string NonBlockingConnection = @"
class Connection : IDisposable
{
    readonly Socket _socket;
    IntPtr _ssl;

    public Connection(Socket socket, IntPtr ssl)
    {
        _socket = socket;
        _ssl = ssl;
        _socket.Blocking = false;
    }
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_single_shutdown_on_a_socket_set_blocking_just_before(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingConnection + @"
    public void Dispose()
    {
        if (_ssl != IntPtr.Zero)
        {
            // Blocking: the one call writes our close_notify whole.
            _socket.Blocking = true;
            LibSsl.SSL_shutdown(_ssl);
            _socket.Blocking = false;
            _ssl = IntPtr.Zero;
        }

        _socket.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_shutdown_where_every_branch_sets_the_socket_blocking(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingConnection + @"
    public void Dispose() => Close(true);

    void Close(bool lingering)
    {
        if (lingering)
        {
            _socket.LingerState = new LingerOption(true, 1);
            this._socket.Blocking = true;
        }
        else
        {
            _socket.Blocking = true;
        }

        try
        {
            if (LibSsl.SSL_shutdown(_ssl) < 0)
                throw new IOException(""TLS close failed"");
        }
        finally
        {
            _socket.Blocking = false;
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_blocking_idiom_once_the_socket_is_blocking_again(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingConnection + @"
    public void Dispose()
    {
        _socket.Blocking = true;
        if (LibSsl.SSL_shutdown(_ssl) == 0)
            LibSsl.SSL_shutdown(_ssl);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_shutdown_on_a_blocking_socket_inside_a_lambda(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + NonBlockingConnection + @"
    public void Dispose()
    {
        Action close = () =>
        {
            _socket.Blocking = true;
            LibSsl.SSL_shutdown(_ssl);
        };
        close();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_shutdown_on_a_local_socket_made_blocking_where_the_type_sets_no_mode(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class Client
{
    void Close(Socket socket, IntPtr ssl)
    {
        socket.Blocking = true;
        LibSsl.SSL_shutdown(ssl);
        socket.Close();
    }
}", version);
    }
}
