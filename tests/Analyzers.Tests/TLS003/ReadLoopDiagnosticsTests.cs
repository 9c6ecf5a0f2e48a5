// TLS003, reported at the end of the compilation: read loops over a stream whose TLS nature only the flow model knows
// (a Stream field a subclass or an upgrade helper fills, an owner of the compilation that keeps one), whose catch takes
// a read error for the end of the data.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class ReadLoopDiagnosticsTests
    {
        // The base class reads its protected Stream field; only the TLS subclass knows the field holds an SslStream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_read_loop_over_a_base_class_field_that_a_TLS_subclass_fills(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class Receiver
{
    protected Stream Input;

    public int Pump(byte[] buffer)
    {
        int total = 0;
        while (true)
        {
            int read;
            try
            {
                read = Input.Read(buffer, 0, buffer.Length);
            }
            {|#0:catch (IOException)|}
            {
                break;
            }

            if (read == 0)
                break;
            total += read;
        }

        return total;
    }
}

sealed class TlsReceiver : Receiver
{
    public TlsReceiver(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""feed.example"");
        Input = ssl;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadErrorAcrossMethods).WithLocation(0).WithArguments("IOException", "'Input'"));

        // The stream comes out of an upgrade helper as Task<Stream>; the loop reads lines through a StreamReader over it
        // (a BCL owner), and its catch only logs through a [Conditional] method before leaving the loop.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_reader_loop_over_a_Stream_field_an_upgrade_helper_filled(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + StreamUpgrade + @"
static class Trace
{
    [System.Diagnostics.Conditional(""TRACE_WIRE"")]
    public static void Write(string message) { }
}

sealed class LineClient
{
    private Stream _stream;

    public async Task ConnectAsync(TcpClient tcp)
    {
        _stream = await Upgrade.ToTlsAsync(tcp.GetStream(), ""lines.example"");
    }

    public async Task<int> CountAsync()
    {
        var reader = new StreamReader(_stream);
        int lines = 0;
        try
        {
            while (await reader.ReadLineAsync() != null)
                lines++;
        }
        {|#0:catch (Exception ex)|}
        {
            Trace.Write(ex.Message);
        }

        return lines;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadErrorAcrossMethods).WithLocation(0).WithArguments("Exception", "'reader'"));

        // The loop reads frames through a connection class of the compilation, whose Stream field another type gave it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_loop_reading_through_an_owner_whose_stream_another_type_gave(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class FrameConnection
{
    private readonly Stream _stream;

    public FrameConnection(Stream stream) => _stream = stream;

    public int ReadFrame(byte[] frame) => _stream.Read(frame, 0, frame.Length);
}

static class Connector
{
    public static FrameConnection Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""frames.example"");
        return new FrameConnection(ssl);
    }
}

sealed class Consumer
{
    public void Run(TcpClient tcp)
    {
        var connection = Connector.Open(tcp);
        var frame = new byte[512];
        try
        {
            while (connection.ReadFrame(frame) > 0)
            {
            }
        }
        {|#0:catch|}
        {
        }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'connection'"));

        // A PipeReader made over a Stream field that holds the TLS stream: its read loop's IOException is a TLS read error.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_read_loop_over_a_pipe_reader_made_over_a_TLS_field(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + "using System.IO.Pipelines;\n" + @"
sealed class PipeConnection
{
    private Stream _stream;
    private PipeReader _input;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""pipe.example"");
        _stream = ssl;
        _input = PipeReader.Create(_stream);
    }

    public async Task<long> ConsumeAsync()
    {
        long total = 0;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync();
                total += result.Buffer.Length;
                _input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                    break;
            }
        }
        {|#0:catch (IOException)|}
        {
        }

        return total;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadErrorAcrossMethods).WithLocation(0).WithArguments("IOException", "'_input'"));
    }
}
