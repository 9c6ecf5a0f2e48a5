// TLS001 fixes with the runtime referenced: where the close goes (using body, using declaration, early exit, a
// Dispose call), which close the context gets, Fix All.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class PlacementFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Graceful_fix_awaits_the_close_at_the_end_of_the_using_body_in_async_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1); // last request
        }
    }
}", UsingsWithRuntime + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1); // last request
            await TlsClose.GracefulAsync(ssl);
        }
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Graceful_fix_in_sync_code_sends_close_notify_in_place_of_the_disposal_and_keeps_comments(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Write(new byte[] { 1 }, 0, 1);

        // done with the server
        {|TLS001:ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Write(new byte[] { 1 }, 0, 1);

        // done with the server
        TlsClose.Notify(ssl);
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Abort_fix_wraps_an_embedded_early_return(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task<bool> HandshakeAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""mail.example"");
            if (ssl.ReadByte() != '2')
                {|TLS001:return false;|}
            await ssl.ShutdownAsync();
            return true;
        }
    }
}", UsingsWithRuntime + @"
class Client
{
    async Task<bool> HandshakeAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""mail.example"");
            if (ssl.ReadByte() != '2')
            {
                TlsClose.Abort(ssl);
                return false;
            }
            await ssl.ShutdownAsync();
            return true;
        }
    }
}", DisposedWithoutCloseNotifyFixer.AbortKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Graceful_fix_closes_a_field_in_Dispose_and_respects_ConfigureAwait(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        {|TLS001:await _ssl.DisposeAsync().ConfigureAwait(false)|};
    }
}", UsingsWithRuntime.Replace("using System;\n", "using System;\nusing System.Diagnostics;\n") + @"
sealed class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TlsClose.GracefulAsync(_ssl).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Graceful_fix_reaches_a_shadowed_field_through_this(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream ssl;

    public void Open(TcpClient tcp)
    {
        ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        var ssl = 0;
        {|TLS001:this.ssl.Dispose()|};
    }
}", UsingsWithRuntime + @"
sealed class Connection : IDisposable
{
    private SslStream ssl;

    public void Open(TcpClient tcp)
    {
        ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        var ssl = 0;
        TlsClose.Notify(this.ssl);
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Graceful_fix_appends_to_the_block_of_a_using_declaration(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        await using var {|TLS001:ssl = new SslStream(tcp.GetStream())|};
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.FlushAsync();
    }
}", UsingsWithRuntime + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.FlushAsync();
        await TlsClose.GracefulAsync(ssl);
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Graceful_fix_inside_lock_sends_close_notify_without_blocking_drain(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    readonly object _gate = new object();

    async Task SendAsync(TcpClient tcp)
    {
        await Task.Yield();
        lock (_gate)
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(""db.example"");
            {|TLS001:ssl.Dispose()|};
        }
    }
}", UsingsWithRuntime + @"
class Client
{
    readonly object _gate = new object();

    async Task SendAsync(TcpClient tcp)
    {
        await Task.Yield();
        lock (_gate)
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(""db.example"");
            TlsClose.Notify(ssl);
        }
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version);

        private const string FixAllSource = Usings + @"
class Client
{
    void First(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        {|TLS001:ssl.Dispose()|};
    }

    async Task SecondAsync(TcpClient tcp, TcpClient other)
    {
        using (var {|TLS001:outer = new SslStream(tcp.GetStream())|})
        {
            using (var inner = new SslStream(other.GetStream()))
            {
                await inner.AuthenticateAsClientAsync(""c.example"");
                if (inner.ReadByte() < 0)
                    {|TLS001:return;|}
                await inner.ShutdownAsync();
            }

            await outer.AuthenticateAsClientAsync(""b.example"");
        }
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_closes_sibling_and_nested_streams_gracefully(LanguageVersion version) =>
            Verify.CodeFixAsync(FixAllSource, UsingsWithRuntime + @"
class Client
{
    void First(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        TlsClose.Notify(ssl);
    }

    async Task SecondAsync(TcpClient tcp, TcpClient other)
    {
        using (var outer = new SslStream(tcp.GetStream()))
        {
            using (var inner = new SslStream(other.GetStream()))
            {
                await inner.AuthenticateAsClientAsync(""c.example"");
                if (inner.ReadByte() < 0)
                {
                    await TlsClose.GracefulAsync(inner);
                    return;
                }
                await inner.ShutdownAsync();
            }

            await outer.AuthenticateAsClientAsync(""b.example"");
            await TlsClose.GracefulAsync(outer);
        }
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_aborts_sibling_and_nested_streams(LanguageVersion version) =>
            Verify.CodeFixAsync(FixAllSource, UsingsWithRuntime + @"
class Client
{
    void First(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        TlsClose.Abort(ssl);
    }

    async Task SecondAsync(TcpClient tcp, TcpClient other)
    {
        using (var outer = new SslStream(tcp.GetStream()))
        {
            using (var inner = new SslStream(other.GetStream()))
            {
                await inner.AuthenticateAsClientAsync(""c.example"");
                if (inner.ReadByte() < 0)
                {
                    TlsClose.Abort(inner);
                    return;
                }
                await inner.ShutdownAsync();
            }

            await outer.AuthenticateAsClientAsync(""b.example"");
            TlsClose.Abort(outer);
        }
    }
}", DisposedWithoutCloseNotifyFixer.AbortKey, version);
    }
}
