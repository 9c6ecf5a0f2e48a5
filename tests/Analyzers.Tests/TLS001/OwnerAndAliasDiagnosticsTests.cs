// TLS001, reported: aliases of a TLS stream and the owners that dispose it (BCL readers, writers, buffers, pipes,
// types an .editorconfig names).
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class OwnerAndAliasDiagnosticsTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        // Stream stream = sslStream; ... await stream.DisposeAsync() in a finally: the alias is the TLS stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_disposal_of_a_Stream_alias_in_a_finally(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Exporter
{
    async Task ExportAsync(TcpClient tcp, byte[] batch)
    {
        var sslStream = new SslStream(tcp.GetStream());
        Stream stream = sslStream;
        try
        {
            await sslStream.AuthenticateAsClientAsync(""ingest.example"");
            await stream.WriteAsync(batch, 0, batch.Length);
        }
        finally
        {
            {|#0:await stream.DisposeAsync()|};
        }
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("stream", "it holds the SslStream created in Exporter.ExportAsync (Test0.cs:12)"));

        // A StreamReader without leaveOpen disposes the stream under it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_StreamReader_that_disposes_the_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Greeting
{
    string ReadBanner(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""mail.example"");
        string banner;
        using (var {|#0:reader = new StreamReader(ssl)|})
        {
            banner = reader.ReadLine();
        }

        return banner;
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("reader", "it holds the SslStream created in Greeting.ReadBanner (Test0.cs:12)"));

        // The stream is handed to a reader that is never disposed, then disposed itself at the end of its using: the
        // reader does not take it over (before the flow model this counted as an escape).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_read_through_a_StreamReader_and_disposed_itself(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Connector
{
    void PassedToReaderThenDisposed(TcpClient tcp)
    {
        using (var {|#0:ssl = new SslStream(tcp.GetStream())|})
        {
            ssl.AuthenticateAsClient(""db.example"");
            var reader = new StreamReader(ssl);
            Console.WriteLine(reader.ReadLine());
        }
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the SslStream created in Connector.PassedToReaderThenDisposed (Test0.cs:12)"));

        // A pipe made over the stream owns it: completing the pipe disposes the stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_PipeReader_over_the_TLS_stream_completed(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Subscriber
{
    async Task<long> ReceiveAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""nats.example"");
        var reader = PipeReader.Create(ssl);
        var result = await reader.ReadAsync();
        var length = result.Buffer.Length;
        {|#0:await reader.CompleteAsync()|};
        return length;
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("reader", "it holds the SslStream created in Subscriber.ReceiveAsync (Test0.cs:12)"));

        // A BufferedStream field over the TLS stream, disposed in Dispose: disposing the buffer disposes the stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_BufferedStream_field_over_the_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Transport : IDisposable
{
    private BufferedStream _buffered;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""ftp.example"");
        _buffered = new BufferedStream(ssl);
    }

    public void Send(byte[] data) => _buffered.Write(data, 0, data.Length);

    public void Dispose() => {|#0:_buffered.Dispose()|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_buffered", "it may hold the SslStream created in Transport.Open (Test0.cs:14)"));

        // A protocol stream of another assembly that the .editorconfig names as an owner that disposes what it is given.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_an_owner_type_named_in_editorconfig(LanguageVersion version) =>
            Verify.AnalyzerWithConfigAsync(version, "dotnet_code_quality.TLS001.disposing_owner_types = T:Driver.FrameStream\n", new[]
            {
                Usings + @"
class Archive
{
    void Upload(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""backup.example"");
        var frames = new Driver.FrameStream(ssl);
        frames.Send(data);
        {|#0:frames.Dispose()|};
    }
}",
            },
            FrameStreamLibrary,
            Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("frames", "it holds the SslStream created in Archive.Upload (File0.cs:12)"));

        // SslStream.DisposeAsync does not go through Close: a subclass that closes only in its Close override still
        // drops the connection without close_notify when it is disposed asynchronously.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_DisposeAsync_of_a_subclass_that_closes_only_in_Close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
public class ClosingSslStream : SslStream
{
    public ClosingSslStream(Stream inner, bool leaveOpen) : base(inner, leaveOpen) { }

    public override void Close()
    {
        try
        {
            ShutdownAsync().GetAwaiter().GetResult();
        }
        finally
        {
            base.Close();
        }
    }
}

class Upload
{
    async Task Send(NetworkStream network, byte[] data)
    {
        var ssl = new ClosingSslStream(network, false);
        await ssl.AuthenticateAsClientAsync(""ftp.example"");
        await ssl.WriteAsync(data, 0, data.Length);
        {|#0:await ssl.DisposeAsync()|};
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the ClosingSslStream created in Upload.Send (Test0.cs:29)"));

        /// <summary>A protocol stream of another assembly that disposes the stream it is given, without close_notify.</summary>
        internal const string FrameStreamLibrary = @"
namespace Driver
{
    public sealed class FrameStream : System.IDisposable
    {
        private readonly System.IO.Stream _inner;

        public FrameStream(System.IO.Stream inner) => _inner = inner;

        public void Send(byte[] frame) => _inner.Write(frame, 0, frame.Length);

        public void Dispose() => _inner.Dispose();
    }
}";
    }
}
