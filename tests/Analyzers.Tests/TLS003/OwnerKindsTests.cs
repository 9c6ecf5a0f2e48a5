// TLS003 on the kinds of owner a TLS stream has besides the driver's own data stream: BCL writers, readers and pipes made
// over it, wrappers of the compilation, owners kept as an interface or closed by a using. A flushing owner's disposal
// raises; a plain dispose TLS001 reports, or a close that keeps its errors to itself, raises nothing of a TLS close.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class OwnerKindsTests
    {
        // A StreamWriter kept in a field flushes into the TLS stream when it is disposed: that write can fail.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_disposal_of_a_writer_over_the_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
sealed class SmtpSession : IDisposable
{
    private StreamWriter _writer;

    public void Start(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""smtp.example"");
        _writer = new StreamWriter(ssl);
    }

    public void Dispose()
    {
        try { _writer?.Dispose(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_writer'"));

        // The frame handler gets its stream as Task<Stream> from an upgrade helper and makes pipes over it; completing the
        // writer flushes into the TLS stream and disposes it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_completion_of_pipes_over_a_stream_returned_as_Task_of_Stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"using System.IO.Pipelines;

static class Tls
{
    public static async Task<Stream> UpgradeAsync(Stream plain)
    {
        var ssl = new SslStream(plain, false);
        await ssl.AuthenticateAsClientAsync(""broker.example"");
        return ssl;
    }
}

sealed class FrameHandler
{
    private readonly PipeWriter _output;
    private readonly PipeReader _input;

    private FrameHandler(Stream stream)
    {
        _output = PipeWriter.Create(stream);
        _input = PipeReader.Create(stream);
    }

    public static async Task<FrameHandler> OpenAsync(TcpClient tcp) => new FrameHandler(await Tls.UpgradeAsync(tcp.GetStream()));

    public async Task CloseAsync()
    {
        try
        {
            await _output.CompleteAsync();
            await _input.CompleteAsync();
        }
        {|#0:catch|}
        {
            // ignore, we are closing anyway
        }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_output'"));

        // A wrapper of the compilation that keeps the stream as Stream and shuts it down in its own Close.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_close_of_a_wrapper_that_shuts_its_stream_down(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
sealed class FramedStream
{
    private readonly Stream _inner;

    public FramedStream(Stream inner) { _inner = inner; }

    public void Close()
    {
        if (_inner is SslStream ssl)
        {
            ssl.ShutdownAsync().Wait();
        }

        _inner.Dispose();
    }
}

sealed class Client
{
    private FramedStream _framed;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""api.example"");
        _framed = new FramedStream(ssl);
    }

    public void Close()
    {
        try { _framed.Close(); }
        {|#0:catch (Exception)|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("Exception", "'_framed' (reaching 'ssl' in FramedStream.Close)"));

        // A StreamReader's disposal writes nothing; TLS001 reports it (the stream under it got no close_notify).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_diagnostic_around_the_plain_disposal_of_a_reader_that_TLS001_reports(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
class Listing
{
    string First(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""ftp.example"");
        var reader = new StreamReader(ssl);
        var line = reader.ReadLine();
        try { reader.Dispose(); }
        catch { }

        return line;
    }
}", version);

        // The session's Close logs what its close raises: nothing escapes it, so the caller's empty catch swallows nothing of it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_diagnostic_around_an_owner_that_keeps_its_close_errors_to_itself(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
sealed class Session
{
    private readonly SslStream _ssl;
    private readonly Action<Exception> _log;

    public Session(SslStream ssl, Action<Exception> log) { _ssl = ssl; _log = log; }

    public void Close()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
            _ssl.Dispose();
        }
        catch (Exception ex)
        {
            _log(ex);
        }
    }
}

sealed class Server
{
    void Kick(Session session)
    {
        try { session.Close(); }
        catch { }
    }
}", version);

        // The connection is kept as an interface of the compilation; the TLS implementation shuts its stream down.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_close_through_an_interface_whose_implementation_shuts_down(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
interface IConnection
{
    Task CloseAsync();
}

sealed class TlsConnection : IConnection
{
    private readonly SslStream _ssl;

    public TlsConnection(SslStream ssl) { _ssl = ssl; }

    public async Task CloseAsync()
    {
        await _ssl.ShutdownAsync();
        _ssl.Dispose();
    }
}

sealed class Session
{
    private IConnection _connection;

    public void Attach(IConnection connection) { _connection = connection; }

    public async Task EndAsync()
    {
        try { await _connection.CloseAsync(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_connection.CloseAsync()' (reaching '_ssl' in TlsConnection.CloseAsync)"));
        // The end of a using runs the owner's Dispose: it shuts the stream down, so the catch around the using swallows
        // what the close raises; the other owner's Dispose only disposes (TLS001's finding), which raises nothing of a close.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_using_of_an_owner_whose_Dispose_shuts_down_only(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
sealed class Tunnel : IDisposable
{
    private readonly SslStream _ssl;

    public Tunnel(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""vpn.example""); }

    public void Send(byte[] data) => _ssl.Write(data, 0, data.Length);

    public void Dispose()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.Dispose();
    }
}

sealed class Plain : IDisposable
{
    private readonly SslStream _ssl;

    public Plain(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""vpn.example""); }

    public void Send(byte[] data) => _ssl.Write(data, 0, data.Length);

    public void Dispose() => _ssl.Dispose();
}

sealed class Sender
{
    void Send(TcpClient tcp, byte[] data)
    {
        try
        {
            using (var tunnel = new Tunnel(tcp))
            {
                tunnel.Send(data);
            }
        }
        {|#0:catch (Exception)|}
        {
        }
    }

    void SendPlain(TcpClient tcp, byte[] data)
    {
        try
        {
            using (var plain = new Plain(tcp))
            {
                plain.Send(data);
            }
        }
        catch (Exception)
        {
        }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("Exception", "'tunnel' (reaching '_ssl' in Tunnel.Dispose)"));
    }
}
