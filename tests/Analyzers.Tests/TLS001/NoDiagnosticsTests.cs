// TLS001, not reported: closed first, escaped, never used, exception paths, parameters, unrelated ShutdownAsync.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class NoDiagnosticsTests
    {
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_shut_down_before_disposal(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
            await ssl.ShutdownAsync();
            var buffer = new byte[256];
            while (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
            {
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_closed_by_the_runtime(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            if (ssl.ReadByte() != 'R')
            {
                TlsClose.Abort(ssl);
                return;
            }

            await TlsClose.GracefulAsync(ssl);
        }
    }

    void Send(SslStream other, TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        TlsClose.Graceful(ssl);
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_dispose_on_exception_path(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
        catch
        {
            ssl.Dispose();
            throw;
        }

        await ssl.ShutdownAsync();
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_returned_to_caller(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Connector
{
    async Task<SslStream> ConnectAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
        }
        catch
        {
            ssl.Dispose();
            throw;
        }

        return ssl;
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_handed_to_another_owner(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Session : IDisposable
{
    public Session(Stream transport) { Transport = transport; }
    public Stream Transport { get; set; }
    public void Dispose() { }
}

class Connector
{
    Session _session;

    Session Stored(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        var session = new Session(Stream.Null);
        session.Transport = ssl;
        return session;
    }

    void PassedToConstructor(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        _session = new Session(ssl);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_never_authenticated_or_used(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Probe
{
    bool IsSecure(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: true))
        {
            return ssl.IsAuthenticated;
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_early_return_before_authentication(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp, bool enabled)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            if (!enabled)
            {
                return;
            }

            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.ShutdownAsync();
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_ShutdownAsync_of_unrelated_type_and_does_not_count_it_as_a_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class AmqpChannel : IDisposable
{
    public Task ShutdownAsync() => Task.CompletedTask;
    public void Write(byte[] frame) { }
    public void Dispose() { }
}

class Consumer
{
    async Task RunAsync(TcpClient tcp)
    {
        using (var channel = new AmqpChannel())
        using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""amqp.example"");
            channel.Write(new byte[1]);
            await channel.ShutdownAsync();
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_generated_code(LanguageVersion version) =>
            Verify.AnalyzerAsync("// <auto-generated/>\n" + Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_field_closed_before_dispose_directly_or_through_helper(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Direct : IDisposable
{
    private SslStream _ssl;
    public void Open(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""a.example""); }
    public void Dispose()
    {
        _ssl.ShutdownAsync().GetAwaiter().GetResult();
        _ssl.Dispose();
    }
}

class ThroughHelper : IDisposable
{
    private SslStream _ssl;
    public void Open(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""a.example""); }
    public void Dispose() => Dispose(true);
    protected virtual void Dispose(bool disposing)
    {
        SendCloseNotify();
        _ssl.Dispose();
    }
    private void SendCloseNotify()
    {
        try { _ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(1)); }
        catch (AggregateException) { }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_field_the_type_never_uses(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Holder : IDisposable
{
    private readonly SslStream _ssl;
    public Holder(SslStream ssl) { _ssl = ssl; }
    public bool IsSecure => _ssl.IsAuthenticated;
    public void Dispose() => _ssl.Dispose();
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_captured_by_lambda(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp, Action<Action> defer)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        defer(() => ssl.ShutdownAsync().Wait());
        ssl.Dispose();
    }
}", version);
    }
}
