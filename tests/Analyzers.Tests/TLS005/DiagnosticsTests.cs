// TLS005, reported: a write on the stream after its ShutdownAsync() on a normal path.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.WriteAfterShutdownAnalyzer, CloseNotify.CodeFixes.WriteAfterShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS005
{
    public class DiagnosticsTests
    {
        internal const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_write_right_after_the_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(SslStream ssl, byte[] goodbye)
    {
        await ssl.ShutdownAsync();
        {|TLS005:await ssl.WriteAsync(goodbye, 0, goodbye.Length)|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_sync_write_on_a_field_after_a_blocking_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private SslStream _ssl;

    void Quit(byte[] data)
    {
        _ssl.ShutdownAsync().GetAwaiter().GetResult();
        {|TLS005:_ssl.Write(data, 0, data.Length)|};
        {|TLS005:_ssl.WriteByte(0)|};
    }
}", version);

        // The write goes through a Stream-typed copy of the stream: the same stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_write_through_an_alias(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private Stream _stream;

    async Task CloseAsync(byte[] data)
    {
        var ssl = _stream as SslStream;
        await ssl.ShutdownAsync().ConfigureAwait(false);
        {|TLS005:await _stream.WriteAsync(data, 0, data.Length).ConfigureAwait(false)|};
    }
}", version);

        // Only one branch writes after the shutdown: that path is enough.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_write_on_one_branch_after_the_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, bool sayBye, byte[] bye)
    {
        await ssl.ShutdownAsync();
        if (sayBye)
        {
            {|TLS005:ssl.Write(bye, 0, bye.Length)|};
        }
    }
}", version);

        // A loop that shuts down at the end of one iteration and writes at the start of the next.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_write_in_the_next_iteration(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task PumpAsync(SslStream ssl, byte[][] chunks)
    {
        foreach (var chunk in chunks)
        {
            {|TLS005:await ssl.WriteAsync(chunk, 0, chunk.Length)|};
            if (chunk.Length == 0)
            {
                await ssl.ShutdownAsync();
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_memory_write_in_a_using_declaration_scope(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task RunAsync(Stream inner, ReadOnlyMemory<byte> data)
    {
        await using var ssl = new SslStream(inner);
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.ShutdownAsync();
        {|TLS005:await ssl.WriteAsync(data)|};
    }
}", version);
    
        // The finally runs after the shutdown on the normal path out of the try.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_write_in_a_finally_after_the_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] trailer)
    {
        try
        {
            await ssl.ShutdownAsync();
        }
        finally
        {
            {|TLS005:ssl.Write(trailer, 0, trailer.Length)|};
        }
    }
}", version);
    }
}
