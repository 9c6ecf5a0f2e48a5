// TLS001 fixes without the runtime (the CloseNotify.Analyzers package alone): plain BCL code, SslStream.ShutdownAsync,
// awaited where the code can await, written within a short bound elsewhere; no fix where the target lacks ShutdownAsync.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class BclFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Async_method_awaits_ShutdownAsync_before_the_disposal_and_a_peer_gone_does_not_throw(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
            ssl.WriteByte(1);
        }
    }
}", "using System;\nusing System.IO;\nusing System.Net.Security;\nusing System.Net.Sockets;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n" + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
            ssl.WriteByte(1);
            try
            {
                await ssl.ShutdownAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
                || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
            {
                // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
            }
        }
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dispose_writes_the_alert_within_a_bound_and_cannot_throw_for_a_peer_gone(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
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
}", "using System;\nusing System.Diagnostics;\nusing System.IO;\nusing System.Net.Security;\nusing System.Net.Sockets;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n" + @"
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
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }

        _ssl.Dispose();
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Nullable_field_in_DisposeAsync_is_guarded_and_errors_of_a_peer_gone_are_caught(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
sealed class Connection : IAsyncDisposable
{
    private SslStream? _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        {|TLS001:_ssl?.Dispose()|};
    }
}", "using System;\nusing System.Diagnostics;\nusing System.IO;\nusing System.Net.Security;\nusing System.Net.Sockets;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n" + @"
sealed class Connection : IAsyncDisposable
{
    private SslStream? _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        if (_ssl != null)
        {
            try
            {
                await _ssl.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
                || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))
            {
                // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
            }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
        }

        _ssl?.Dispose();
    }
}", Key, version, compilationEnd: true, nullable: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Stream_typed_field_is_tested_for_SslStream_and_a_peer_gone_does_not_skip_the_disposal(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
sealed class Framing
{
    private readonly Stream _inner;

    public Framing(Stream inner) { _inner = inner; }

    public async Task CloseAsync(byte[] last)
    {
        await _inner.WriteAsync(last, 0, last.Length);
        {|TLS001:_inner.Dispose()|};
    }
}

static class Session
{
    public static Framing Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        return new Framing(ssl);
    }
}", "using System;\nusing System.IO;\nusing System.Net.Security;\nusing System.Net.Sockets;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n" + @"
sealed class Framing
{
    private readonly Stream _inner;

    public Framing(Stream inner) { _inner = inner; }

    public async Task CloseAsync(byte[] last)
    {
        await _inner.WriteAsync(last, 0, last.Length);
        if (_inner is SslStream ssl)
        {
            try
            {
                await ssl.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
                || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
            {
                // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
            }
        }

        _inner.Dispose();
    }
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

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_abort_fix_without_the_runtime(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Source, Source, DisposedWithoutCloseNotifyFixer.AbortKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_on_netstandard2_0_whose_SslStream_has_no_ShutdownAsync(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Source, Source, Key, version, references: TestReferences.NetStandard20);

        private const string Source = Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        {|TLS001:ssl.Dispose()|};
    }
}";
    }
}
