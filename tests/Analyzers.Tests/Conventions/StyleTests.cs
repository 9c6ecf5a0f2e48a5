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
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl)) {}
    }

    void Noop() {}
}
", actual);
        }

        // Every fixer in a file whose empty blocks are `{}`: nothing it writes or reformats becomes `{ }`.
        [Theory]
        [MemberData(nameof(RuleCases.Ids), MemberType = typeof(RuleCases))]
        public async Task No_fix_writes_a_spaced_empty_block_into_a_file_that_writes_none(string id, LanguageVersion version)
        {
            var (source, fixedSource) = RuleCases.File(id);
            var actual = await RuleCases.FixAsync(id, WithNoop(source), version);
            AssertBytes(WithNoop(fixedSource), actual);
        }

        // The fixers that write a catch name its variable as the file's other catches do.
        [Theory]
        [InlineData("TLS001", LanguageVersion.CSharp7_3)]
        [InlineData("TLS001", LanguageVersion.Preview)]
        [InlineData("TLS003", LanguageVersion.CSharp7_3)]
        [InlineData("TLS003", LanguageVersion.Preview)]
        public async Task A_new_catch_is_named_as_the_files_catches(string id, LanguageVersion version)
        {
            const string Logged = "\n    static void Log(Action a)\n    {\n        try { a(); } catch (IOException failure) { Console.WriteLine(failure); }\n    }\n}\n";
            var (source, fixedSource) = RuleCases.File(id);
            var actual = await RuleCases.FixAsync(id, source.Substring(0, source.LastIndexOf('}')) + Logged.Substring(1), version);
            var expected = fixedSource.Substring(0, fixedSource.LastIndexOf('}')).Replace("(Exception ex)", "(Exception failure)")
                .Replace("ex is", "failure is").Replace("ex.InnerException", "failure.InnerException").Replace("IsBenign(ex,", "IsBenign(failure,");
            AssertBytes(expected + Logged.Substring(1), actual);
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
            Assert.Contains("catch (Exception e_) when (e_ is IOException || e_ is ObjectDisposedException\n            || e_.InnerException is IOException || e_.InnerException is ObjectDisposedException\n            || ((e_ is InvalidOperationException || e_ is AuthenticationException) && !_ssl.CanWrite))", actual, System.StringComparison.Ordinal);
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
            Assert.Contains("catch (Exception exception1) when (TlsErrors.IsBenign(exception1, _ssl))", actual, System.StringComparison.Ordinal);
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

        /// <summary>The class gets a method written `{}` before its closing brace.</summary>
        private static string WithNoop(string file) =>
            file.Substring(0, file.LastIndexOf('}')) + "\n    void Noop() {}\n}\n";
    }
}
