// TLS001 fixes with the runtime, by context: an awaited graceful close where the code can await, TlsClose.Notify
// (no blocking drain, never throws, null accepted) in synchronous code, Dispose and callbacks; the file's style kept.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class ContextFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Async_method_awaits_the_graceful_close_in_place_of_the_disposal(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        {|TLS001:ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await TlsClose.GracefulAsync(ssl);
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dispose_of_a_field_sends_close_notify_without_blocking(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        {|TLS001:_ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        TlsClose.Notify(_ssl);
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Expression_bodied_Dispose_stays_expression_bodied(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose() => {|TLS001:_ssl.Dispose()|};
}", UsingsWithRuntime + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose() => TlsClose.Notify(_ssl);
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Nullable_field_closed_with_conditional_access_needs_no_guard_in_Dispose(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        {|TLS001:_ssl?.Dispose()|};
        _ssl = null;
    }
}", UsingsWithRuntime + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        TlsClose.Notify(_ssl);
        _ssl = null;
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Nullable_field_closed_with_conditional_access_is_guarded_where_the_close_is_awaited(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection
{
    private SslStream? _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task CloseAsync()
    {
        await Task.Yield();
        {|TLS001:_ssl?.Dispose()|};
    }
}", UsingsWithRuntime + @"
sealed class Connection
{
    private SslStream? _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task CloseAsync()
    {
        await Task.Yield();
        if (_ssl != null)
        {
            await TlsClose.GracefulAsync(_ssl);
        }
    }
}", Key, version, nullable: true, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Event_loop_callback_that_returns_a_task_without_awaiting_gets_no_blocking_drain(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Channel
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    // Runs on the channel's event loop: a drain here would wait for reads only this loop completes.
    public Task CloseAsync()
    {
        {|TLS001:_ssl.Dispose()|};
        return Task.CompletedTask;
    }
}", UsingsWithRuntime + @"
sealed class Channel
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    // Runs on the channel's event loop: a drain here would wait for reads only this loop completes.
    public Task CloseAsync()
    {
        TlsClose.Notify(_ssl);
        return Task.CompletedTask;
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task This_prefixed_file_keeps_its_prefix(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream ssl;

    public void Open(TcpClient tcp)
    {
        this.ssl = new SslStream(tcp.GetStream());
        this.ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        {|TLS001:this.ssl?.Dispose()|};
    }
}", UsingsWithRuntime + @"
sealed class Connection : IDisposable
{
    private SslStream ssl;

    public void Open(TcpClient tcp)
    {
        this.ssl = new SslStream(tcp.GetStream());
        this.ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        TlsClose.Notify(this.ssl);
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Using_CloseNotify_goes_among_the_usings_not_after_using_static(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"using static System.Math;

class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.WriteByte((byte)Max(1, 2));
        {|TLS001:ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"using static System.Math;

class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.WriteByte((byte)Max(1, 2));
        TlsClose.Notify(ssl);
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp9), MemberType = typeof(LanguageVersions))]
        public Task Top_level_statements_await_the_close_after_the_last_statement(LanguageVersion version) =>
            Verify.CodeFixAsync(@"using System.Net.Security;
using System.Net.Sockets;

using var tcp = new TcpClient(""db.example"", 443);
using var {|TLS001:ssl = new SslStream(tcp.GetStream())|};
await ssl.AuthenticateAsClientAsync(""db.example"");
ssl.WriteByte(1);
", @"using System.Net.Security;
using System.Net.Sockets;
using CloseNotify;

using var tcp = new TcpClient(""db.example"", 443);
using var ssl = new SslStream(tcp.GetStream());
await ssl.AuthenticateAsClientAsync(""db.example"");
ssl.WriteByte(1);
await TlsClose.GracefulAsync(ssl);
", Key, version, nullable: false, outputKind: OutputKind.ConsoleApplication);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Wrapper_disposing_its_Stream_field_closes_it_through_the_runtime(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Framing : IDisposable
{
    private readonly Stream _inner;

    public Framing(Stream inner) { _inner = inner; }

    public void Write(byte[] frame) => _inner.Write(frame, 0, frame.Length);

    public void Dispose() => {|TLS001:_inner.Dispose()|};
}

static class Session
{
    public static Framing Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        return new Framing(ssl);
    }
}", UsingsWithRuntime + @"
sealed class Framing : IDisposable
{
    private readonly Stream _inner;

    public Framing(Stream inner) { _inner = inner; }

    public void Write(byte[] frame) => _inner.Write(frame, 0, frame.Length);

    public void Dispose() => TlsClose.Notify(_inner);
}

static class Session
{
    public static Framing Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        return new Framing(ssl);
    }
}", Key, version, compilationEnd: true);
    }
}
