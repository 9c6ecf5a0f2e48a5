// TLS006, not reported: drains that something bounds, read loops that are no drain, reads before the shutdown.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.UnboundedDrainAnalyzer, CloseNotify.CodeFixes.UnboundedDrainFixer>;

namespace CloseNotify.Analyzers.Tests.TLS006
{
    public class NoDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_drain_with_a_token(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        while (await ssl.ReadAsync(buffer, 0, buffer.Length, cancellationToken) > 0)
        {
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_drain_under_a_timeout(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        var buffer = new byte[4096];
        ssl.ReadTimeout = 2000;
        ssl.ShutdownAsync().Wait();
        while (ssl.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    async Task CloseAsync(SslStream ssl, CancellationTokenSource cts)
    {
        var buffer = new byte[4096];
        cts.CancelAfter(2000);
        await ssl.ShutdownAsync();
        while (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", version);

        // A byte counter is a second way out: the code bounds the drain itself.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_drain_with_a_byte_limit(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        var total = 0;
        int n;
        while ((n = await ssl.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
            if (total > 65536)
            {
                break;
            }
        }
    }

    async Task CloseAgainAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        for (var total = 0; total < 65536;)
        {
            var n = await ssl.ReadAsync(buffer, 0, buffer.Length);
            if (n == 0)
                break;
            total += n;
        }
    }
}", version);

        // The usual read loop of a connection: no shutdown before it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_read_loop_before_the_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task RunAsync(SslStream ssl, Stream sink)
    {
        var buffer = new byte[4096];
        int n;
        while ((n = await ssl.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            sink.Write(buffer, 0, n);
        }

        await ssl.ShutdownAsync();
    }
}", version);

        // The shutdown is on one branch, the loop on the other; and a loop that reads another stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_other_paths_and_other_streams(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task RunAsync(SslStream ssl, Stream other, bool close)
    {
        var buffer = new byte[4096];
        if (close)
        {
            await ssl.ShutdownAsync();
            while (await other.ReadAsync(buffer, 0, buffer.Length) > 0)
            {
            }

            return;
        }

        while (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", version);

        [Fact]
        public Task Ignores_a_compilation_without_TLS_types() =>
            Verify.AnalyzerAsync(@"
using System.IO;
using System.Threading.Tasks;
class Pipe
{
    async Task DrainAsync(Stream s, byte[] buffer)
    {
        while (await s.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", LanguageVersion.CSharp7_3);
    
        // A loop with a flag, or one that returns on something else than the end of the stream, ends on its own terms.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_loops_with_another_way_out(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private volatile bool _stopping;

    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        while (!_stopping && await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }

        while (true)
        {
            var n = await ssl.ReadAsync(buffer, 0, buffer.Length);
            if (n == 0 || buffer[0] == 0x15)
            {
                return;
            }
        }
    }
}", version);
    
        // A synchronous read obeys the stream's ReadTimeout, which whoever made a field's or parameter's stream may
        // have set elsewhere (at connect): only a stream of the member's own is claimed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_synchronous_drain_of_a_field_or_parameter(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private SslStream _ssl;

    void Close(SslStream ssl, byte[] buffer)
    {
        ssl.ShutdownAsync().Wait();
        while (ssl.Read(buffer, 0, buffer.Length) > 0)
        {
        }

        _ssl.ShutdownAsync().Wait();
        while (_ssl.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", version);
    }
}
