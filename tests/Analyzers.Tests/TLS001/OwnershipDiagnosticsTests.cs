// TLS001, reported: a reference stored is not ownership given away, and one stream is one finding (issue 26, shapes 3
// and 9), each in general form.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class OwnershipDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // The session registers its stream in a concurrent dictionary (a reference for lookups) and still disposes it with
        // its await using: registering it gave nothing away.
        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_registered_in_a_dictionary_while_the_method_still_disposes_it(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class SessionServer
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, SslStream> _sessions =
        new System.Collections.Concurrent.ConcurrentDictionary<int, SslStream>();

    public async Task ServeAsync(int id, TcpClient client, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        var ssl = new SslStream(client.GetStream());
        await using ({|#0:ssl|})
        {
            await ssl.AuthenticateAsServerAsync(certificate);
            _sessions.TryAdd(id, ssl);
            try
            {
                await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
            }
            finally
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("ssl", "it may hold the SslStream created in SessionServer.ServeAsync (Test0.cs:14)"));

        // The same with a feature collection of another assembly that keeps the stream for the request's handlers.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_stored_in_a_feature_collection_of_another_assembly(LanguageVersion version) =>
            Verify.AnalyzerWithLibraryAsync(Usings + @"
sealed class TlsMiddleware
{
    public async Task InvokeAsync(Stream transport, Driver.Features features, Func<Task> next)
    {
        using (var {|#0:ssl = new SslStream(transport)|})
        {
            await ssl.AuthenticateAsClientAsync(""upstream.example"");
            features.SetStream(ssl);
            await next();
        }
    }
}", @"
namespace Driver
{
    public sealed class Features
    {
        public System.IO.Stream Stream { get; private set; }

        public void SetStream(System.IO.Stream stream) => Stream = stream;
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("ssl", "it may hold the SslStream created in TlsMiddleware.InvokeAsync (Test0.cs:11)"));

        // A pipe reader and a pipe writer made over the stream the constructor is given, completed one after the other: one
        // stream, one finding, at the first completion.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_pipe_reader_and_writer_over_one_stream_once(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class FrameTransport
{
    private readonly System.IO.Pipelines.PipeReader _reader;
    private readonly System.IO.Pipelines.PipeWriter _writer;

    private FrameTransport(Stream stream)
    {
        _reader = System.IO.Pipelines.PipeReader.Create(stream);
        _writer = System.IO.Pipelines.PipeWriter.Create(stream);
    }

    public static async Task<FrameTransport> ConnectAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""broker.example"");
        return new FrameTransport(ssl);
    }

    public async Task SendAsync(byte[] frame)
    {
        await _writer.WriteAsync(frame);
    }

    public async Task CloseAsync()
    {
        {|#0:await _writer.CompleteAsync()|};
        await _reader.CompleteAsync();
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_writer", "it may hold the SslStream created in FrameTransport.ConnectAsync (Test0.cs:20)"));

        // The reader completed in the read loop's finally and the writer in the close: two methods, still one stream and
        // one finding, at the first completion in the file.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_pipes_over_one_stream_completed_in_two_methods_once(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class PipeConnection
{
    private SslStream _ssl;
    private System.IO.Pipelines.PipeReader _reader;
    private System.IO.Pipelines.PipeWriter _writer;

    public async Task StartAsync(TcpClient tcp, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsServerAsync(certificate);
        _reader = System.IO.Pipelines.PipeReader.Create(_ssl);
        _writer = System.IO.Pipelines.PipeWriter.Create(_ssl);
    }

    public async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync();
                _reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            {|#0:await _reader.CompleteAsync()|};
        }
    }

    public async Task CloseAsync()
    {
        await _writer.CompleteAsync();
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_reader", "it may hold the SslStream created in PipeConnection.StartAsync (Test0.cs:15)"));
    }
}
