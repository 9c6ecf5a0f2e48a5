// TLS005, not reported: writes before the shutdown, on other streams, on other paths, or on a new stream.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.WriteAfterShutdownAnalyzer, CloseNotify.CodeFixes.WriteAfterShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS005
{
    public class NoDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_writes_before_the_shutdown_and_reads_after_it(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] data)
    {
        await ssl.WriteAsync(data, 0, data.Length);
        await ssl.FlushAsync();
        await ssl.ShutdownAsync();
        await ssl.FlushAsync();
        while (await ssl.ReadAsync(data, 0, data.Length, CancellationToken.None) > 0)
        {
        }
    }
}", version);

        // The shutdown ends the method on its branch; the write is on the other one.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_write_on_another_branch(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task EndAsync(SslStream ssl, bool done, byte[] data)
    {
        if (done)
        {
            await ssl.ShutdownAsync();
            return;
        }

        await ssl.WriteAsync(data, 0, data.Length);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_write_on_another_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Proxy
{
    async Task CloseAsync(SslStream upstream, SslStream downstream, byte[] data)
    {
        await upstream.ShutdownAsync();
        await downstream.WriteAsync(data, 0, data.Length);
    }
}", version);

        // A reconnect puts a new stream in the field before writing.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_write_on_a_new_stream_in_the_same_field(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private SslStream _ssl;

    async Task ReconnectAsync(Stream inner, byte[] hello)
    {
        await _ssl.ShutdownAsync();
        _ssl.Dispose();
        _ssl = new SslStream(inner);
        await _ssl.AuthenticateAsClientAsync(""db.example"");
        await _ssl.WriteAsync(hello, 0, hello.Length);
    }
}", version);

        // The handshake-failure or close-failure path: a catch is not a normal path after the shutdown.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_write_in_a_catch_of_the_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] data)
    {
        try
        {
            await ssl.WriteAsync(data, 0, data.Length);
            await ssl.ShutdownAsync();
        }
        catch (IOException)
        {
            ssl.Write(data, 0, data.Length);
            throw;
        }
    }
}", version);

        // A lambda is its own function: when it runs is not known here.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_write_in_a_lambda(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] data)
    {
        Func<Task> later = () => ssl.WriteAsync(data, 0, data.Length);
        await ssl.ShutdownAsync();
        GC.KeepAlive(later);
    }
}", version);

        [Fact]
        public Task Ignores_a_compilation_without_TLS_types() =>
            Verify.AnalyzerAsync(@"
using System.IO;
using System.Threading.Tasks;
class Pipe
{
    async Task CloseAsync(Stream s, byte[] data)
    {
        await s.FlushAsync();
        await s.WriteAsync(data, 0, data.Length);
    }
}", LanguageVersion.CSharp7_3);
    }
}
