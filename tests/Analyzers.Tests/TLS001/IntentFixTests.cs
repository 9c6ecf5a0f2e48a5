// TLS001 fixes that respect what the code means: an abort where it drops the connection on purpose (a zero
// linger time, Close(0), a reconnect that replaces a dead stream), graceful only on the normal branch of Dispose(bool)
// or of a conditional reset, graceful elsewhere.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class IntentFixTests
    {
        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        private const string DisposePattern = @"
class Connection : IDisposable
{
    private Socket _socket;
    private SslStream _ssl;

    public void Open(string host)
    {
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _socket.Connect(host, 443);
        _ssl = new SslStream(new NetworkStream(_socket));
        _ssl.AuthenticateAsClient(host);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    ~Connection() => Dispose(false);

    protected virtual void Dispose(bool disposing)
    {
        {|TLS001:_ssl.Dispose()|};
        _socket.Close(disposing ? 1 : 0);
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dispose_bool_that_resets_when_not_disposing_closes_gracefully_only_when_disposing(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + DisposePattern, UsingsWithRuntime + DisposePattern.Replace(@"        {|TLS001:_ssl.Dispose()|};
", @"        if (disposing)
        {
            TlsClose.Notify(_ssl);
        }
        else
        {
            TlsClose.Abort(_ssl);
        }

"), Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_for_Dispose_bool_with_an_abort_branch_without_the_runtime(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + DisposePattern, Usings + DisposePattern, Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dispose_bool_disposal_under_if_disposing_is_closed_gracefully(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose() => Dispose(true);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            {|TLS001:_ssl.Dispose()|};
        }
    }
}", UsingsWithRuntime + @"
class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose() => Dispose(true);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            TlsClose.Notify(_ssl);
        }
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Zero_linger_time_makes_the_default_fix_an_abort(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Kicker
{
    void Kick(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        tcp.LingerState = new LingerOption(true, 0);
        {|TLS001:ssl.Dispose()|};
        tcp.Close();
    }
}", UsingsWithRuntime + @"
class Kicker
{
    void Kick(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        tcp.LingerState = new LingerOption(true, 0);
        TlsClose.Abort(ssl);
        tcp.Close();
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Socket_closed_with_a_zero_timeout_after_the_disposal_makes_the_fix_an_abort(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Session
{
    private Socket _socket;
    private SslStream _ssl;

    public void Start(Socket socket)
    {
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Reject()
    {
        {|TLS001:_ssl.Dispose()|};
        _socket.Close(0);
    }
}", UsingsWithRuntime + @"
class Session
{
    private Socket _socket;
    private SslStream _ssl;

    public void Start(Socket socket)
    {
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Reject()
    {
        TlsClose.Abort(_ssl);
        _socket.Close(0);
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Conditional_reset_closes_gracefully_on_the_other_branch(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Session
{
    private bool _faulted;

    public void End(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        if (_faulted)
        {
            tcp.LingerState = new LingerOption(true, 0);
        }

        {|TLS001:ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"
class Session
{
    private bool _faulted;

    public void End(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        if (_faulted)
        {
            tcp.LingerState = new LingerOption(true, 0);
        }

        if (!_faulted)
        {
            TlsClose.Notify(ssl);
        }
        else
        {
            TlsClose.Abort(ssl);
        }
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reconnect_that_replaces_a_dead_stream_aborts_it(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    private TcpClient _tcp;
    private SslStream _ssl;

    public async Task SendAsync(byte[] data)
    {
        await _ssl.WriteAsync(data, 0, data.Length);
    }

    public async Task ReconnectAsync(string host)
    {
        {|TLS001:_ssl.Dispose()|};
        _tcp.Dispose();
        _tcp = new TcpClient();
        await _tcp.ConnectAsync(host, 443);
        _ssl = new SslStream(_tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(host);
    }
}", UsingsWithRuntime + @"
class Client
{
    private TcpClient _tcp;
    private SslStream _ssl;

    public async Task SendAsync(byte[] data)
    {
        await _ssl.WriteAsync(data, 0, data.Length);
    }

    public async Task ReconnectAsync(string host)
    {
        TlsClose.Abort(_ssl);
        _tcp.Dispose();
        _tcp = new TcpClient();
        await _tcp.ConnectAsync(host, 443);
        _ssl = new SslStream(_tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(host);
    }
}", Key, version, compilationEnd: true);

        // The type's own read loop (another member reads the field) may have a read pending when the close runs: an
        // SslStream takes one read at a time, so a drain beside it would fail after the close_notify left. The close
        // sends close_notify (awaited, as async code closes) and leaves the peer's answer to that loop.
        private const string ReadLoopConnection = @"
class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public Task<int> ReceiveAsync(byte[] buffer) => _ssl.ReadAsync(buffer, 0, buffer.Length);

    public async Task CloseAsync()
    {
        await Task.Yield();
        CLOSE
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_stream_another_member_reads_is_closed_without_a_drain(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + ReadLoopConnection.Replace("CLOSE", "{|TLS001:_ssl.Dispose()|};"),
                UsingsWithRuntime + ReadLoopConnection.Replace("CLOSE", @"try
        {
            await _ssl.ShutdownAsync();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        _ssl.Dispose();"), Key, version, compilationEnd: true);

        // A read in the closing method itself is over when the close runs: the awaited graceful close drains.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_stream_only_the_closing_method_reads_gets_the_awaited_graceful_close(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + @"
class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task ReceiveAllAndCloseAsync(byte[] buffer)
    {
        while (await _ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }

        {|TLS001:_ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"
class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task ReceiveAllAndCloseAsync(byte[] buffer)
    {
        while (await _ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }

        await TlsClose.GracefulAsync(_ssl);
    }
}", Key, version, compilationEnd: true);
    }
}
