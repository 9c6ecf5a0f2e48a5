// TLS001 fixes that follow the rules of the code around them: the function's CancellationToken passed on (CA2016),
// CancellationToken.None in cleanup code, a write-only close where a framework owns the connection, no null test made
// twice, no catch left that the close made dead.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class ContextRuleFixTests
    {
        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        private const string WithThreading = "using System.Threading;\n";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Method_token_is_passed_to_the_awaited_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + WithThreading + @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data, CancellationToken ct)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.WriteAsync(data, 0, data.Length, ct);
        {|TLS001:ssl.Dispose()|};
    }
}", Usings + WithThreading + "using CloseNotify;\n" + @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data, CancellationToken ct)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.WriteAsync(data, 0, data.Length, ct);
        await TlsClose.GracefulAsync(ssl, cancellationToken: ct);
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Close_in_a_finally_is_given_CancellationToken_None(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + WithThreading + @"
class Server
{
    async Task ServeAsync(TcpClient tcp, CancellationToken stopping)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await ssl.WriteAsync(new byte[] { 0 }, 0, 1);
            }
        }
        finally
        {
            {|TLS001:ssl.Dispose()|};
        }
    }
}", Usings.Replace("using System;\n", "using System;\nusing System.Diagnostics;\n") + WithThreading + "using CloseNotify;\n" + @"
class Server
{
    async Task ServeAsync(TcpClient tcp, CancellationToken stopping)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await ssl.WriteAsync(new byte[] { 0 }, 0, 1);
            }
        }
        finally
        {
            try
            {
                await TlsClose.GracefulAsync(ssl, cancellationToken: CancellationToken.None);
            }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
        }
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Lambda_without_a_token_gets_none_even_inside_a_method_with_one(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + WithThreading + @"
class Client
{
    Func<TcpClient, Task> Sender(CancellationToken ct) => async tcp =>
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        {|TLS001:ssl.Dispose()|};
    };
}", Usings + WithThreading + "using CloseNotify;\n" + @"
class Client
{
    Func<TcpClient, Task> Sender(CancellationToken ct) => async tcp =>
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await TlsClose.GracefulAsync(ssl);
    };
}", Key, version);

        private const string Framework = @"
abstract class Connection
{
    public abstract IDuplexPipe Transport { get; }
}

class TlsMiddleware
{
    public async Task OnConnectedAsync(Connection connection, Stream transport, X509Certificate certificate)
    {
        var ssl = new SslStream(transport);
        await ssl.AuthenticateAsServerAsync(certificate);
        await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        {|TLS001:ssl.Dispose()|};
    }
}";

        private const string FrameworkUsings = "using System.IO.Pipelines;\nusing System.Security.Cryptography.X509Certificates;\n";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Connection_owned_by_a_framework_gets_a_write_only_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + FrameworkUsings + Framework, Usings + FrameworkUsings + "using CloseNotify;\n" + Framework.Replace("        {|TLS001:ssl.Dispose()|};\n", @"        try
        {
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        ssl.Dispose();
"), Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dead_catch_around_the_disposal_goes_with_it(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;
    private Socket _socket;

    public void Open(Socket socket)
    {
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        try
        {
            {|TLS001:_ssl.Dispose()|};
        }
        catch
        {
            // ignored
        }

        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}", UsingsWithRuntime + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;
    private Socket _socket;

    public void Open(Socket socket)
    {
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        TlsClose.Notify(_ssl);

        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dead_catch_goes_and_its_finally_stays(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;
    private Socket _socket;

    public void Open(Socket socket)
    {
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        try
        {
            {|TLS001:_ssl?.Dispose()|};
        }
        catch (IOException)
        {
        }
        finally
        {
            _socket.Dispose();
        }
    }
}", UsingsWithRuntime + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;
    private Socket _socket;

    public void Open(Socket socket)
    {
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        try
        {
            TlsClose.Notify(_ssl);
        }
        finally
        {
            _socket.Dispose();
        }
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Null_test_already_around_the_site_is_not_written_again(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Session
{
    private SslStream? _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task QuitAsync()
    {
        if (_ssl != null)
        {
            var writer = new StreamWriter(_ssl);
            await writer.WriteLineAsync(""QUIT"");
            {|TLS001:writer.Dispose()|};
        }
    }
}", UsingsWithRuntime + @"
sealed class Session
{
    private SslStream? _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task QuitAsync()
    {
        if (_ssl != null)
        {
            var writer = new StreamWriter(_ssl);
            await writer.WriteLineAsync(""QUIT"");
            await writer.FlushAsync();
            await TlsClose.GracefulAsync(_ssl);
            writer.Dispose();
        }
    }
}", Key, version, nullable: true, compilationEnd: true);
    }
}
