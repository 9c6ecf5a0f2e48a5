// TLS001 fixes in callbacks: a lambda handed to an event loop or timer gets the close its own body allows.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class CallbackFixTests
    {
        private const string Usings = @"using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        private const string Loop = @"
interface IEventLoop
{
    void Post(Action work);
    void Post(Func<Task> work);
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Synchronous_callback_on_an_event_loop_sends_close_notify_without_blocking(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Loop + @"
sealed class Channel
{
    private readonly IEventLoop _loop;
    private SslStream _ssl;

    public Channel(IEventLoop loop) { _loop = loop; }

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Close() => _loop.Post(() => {|TLS001:_ssl.Dispose()|});
}", UsingsWithRuntime + Loop + @"
sealed class Channel
{
    private readonly IEventLoop _loop;
    private SslStream _ssl;

    public Channel(IEventLoop loop) { _loop = loop; }

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Close() => _loop.Post(() => TlsClose.Notify(_ssl));
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Async_callback_awaits_the_graceful_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Loop + @"
sealed class Channel
{
    private readonly IEventLoop _loop;
    private SslStream _ssl;

    public Channel(IEventLoop loop) { _loop = loop; }

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Close() => _loop.Post(async () =>
    {
        await _ssl.FlushAsync();
        {|TLS001:_ssl.Dispose()|};
    });
}", UsingsWithRuntime + Loop + @"
sealed class Channel
{
    private readonly IEventLoop _loop;
    private SslStream _ssl;

    public Channel(IEventLoop loop) { _loop = loop; }

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Close() => _loop.Post(async () =>
    {
        await _ssl.FlushAsync();
        await TlsClose.GracefulAsync(_ssl);
    });
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version, compilationEnd: true);
    }
}
