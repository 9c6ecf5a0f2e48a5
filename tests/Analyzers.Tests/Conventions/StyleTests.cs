// The fix's lines written as the file writes its own: empty blocks, catch variable names, this., var, ConfigureAwait.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.Conventions.LineEndingTests;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class StyleTests
    {
        private const string Usings = RuleCases.Usings;

        private const string Runtime = "using CloseNotify;\n";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task A_file_that_writes_empty_blocks_as_braces_alone_keeps_them(LanguageVersion version)
        {
            var actual = await DotnetFormatRun.FixAsync<SwallowedCloseErrorAnalyzer, SwallowedCloseErrorFixer>(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        try { ssl.ShutdownAsync().GetAwaiter().GetResult(); }
        catch {}
    }

    void Noop() {}
}
", version);
            AssertBytes(Usings + Runtime + @"
class Client
{
    void Close(SslStream ssl)
    {
        try { ssl.ShutdownAsync().GetAwaiter().GetResult(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex)) {}
    }

    void Noop() {}
}
", actual);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task New_catch_variables_take_the_name_the_file_uses(LanguageVersion version)
        {
            // The BCL close of TLS001 in Dispose (no runtime) catches what a peer gone raises: e_, as the file's catches.
            var actual = await DotnetFormatRun.FixAsync<DisposedWithoutCloseNotifyAnalyzer, DisposedWithoutCloseNotifyFixer>(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        try
        {
            _ssl = new SslStream(tcp.GetStream());
            _ssl.AuthenticateAsClient(""db.example"");
        }
        catch (IOException e_)
        {
            throw new InvalidOperationException(""connect"", e_);
        }
    }

    public void Dispose()
    {
        _ssl.Dispose();
    }
}
", version, withRuntime: false);
            Assert.Contains("catch (Exception e_) when (e_ is IOException || e_ is ObjectDisposedException || e_.InnerException is IOException || e_.InnerException is ObjectDisposedException)", actual, System.StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_trace_catch_in_cleanup_takes_the_files_name_made_unique_where_it_is_taken(LanguageVersion version)
        {
            var actual = await DotnetFormatRun.FixAsync<SwallowedCloseErrorAnalyzer, SwallowedCloseErrorFixer>(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        var exception = 1;
        try
        {
            _ssl.ShutdownAsync().Wait(exception);
        }
        catch
        {
        }
    }

    void Log(Action a)
    {
        try { a(); } catch (Exception exception) { Console.WriteLine(exception); }
    }
}
", version);
            Assert.Contains("catch (Exception exception1) when (TlsErrors.IsBenign(exception1))", actual, System.StringComparison.Ordinal);
            Assert.Contains("catch (Exception exception1)\n        {\n            Trace.TraceError(\"TLS close failed: {0}\", exception1);", actual, System.StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Members_get_this_where_the_file_writes_it(LanguageVersion version)
        {
            var actual = await DotnetFormatRun.FixAsync<UnboundedDrainAnalyzer, UnboundedDrainFixer>(Usings + @"
class Client
{
    private SslStream ssl;
    private byte[] buffer = new byte[16];

    async Task CloseAsync()
    {
        await this.ssl.ShutdownAsync();
        while (await this.ssl.ReadAsync(this.buffer, 0, this.buffer.Length) > 0)
        {
        }
    }
}
", version);
            Assert.Contains("await TlsClose.GracefulAsync(this.ssl);", actual, System.StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Locals_get_their_type_where_the_file_writes_types(LanguageVersion version)
        {
            var actual = await DotnetFormatRun.FixAsync<UnboundedDrainAnalyzer, UnboundedDrainFixer>(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        byte[] buffer = new byte[4096];
        await ssl.ShutdownAsync();
        int n;
        while ((n = await ssl.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            Console.WriteLine(n);
        }
    }
}
", version, withRuntime: false);
            Assert.Contains("using (CancellationTokenSource drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))", actual, System.StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task A_new_await_is_configured_where_the_file_configures_its_awaits(LanguageVersion version)
        {
            // The method itself has no other await to say; the file's awaits all use ConfigureAwait(false).
            var actual = await DotnetFormatRun.FixAsync<SingleShotShutdownAnalyzer, SingleShotShutdownFixer>(Usings + @"
class Client
{
    async Task OpenAsync(SslStream ssl)
    {
        await ssl.AuthenticateAsClientAsync(""a.example"").ConfigureAwait(false);
    }

    async Task CloseAsync(SslStream ssl)
    {
        _ = ssl.ShutdownAsync();
    }
}
", version);
            Assert.Contains("await ssl.ShutdownAsync().ConfigureAwait(false);", actual, System.StringComparison.Ordinal);
        }
    }
}
