// TLS001, reported: streams held in fields, and streams that reach a file that never names SslStream.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class FieldDiagnosticsTests
    {
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SslStream_field_disposed_in_Dispose(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(TcpClient tcp) => _ssl = new SslStream(tcp.GetStream());

    public void Open() => _ssl.AuthenticateAsClient(""db.example"");

    public void Dispose()
    {
        {|#0:_ssl.Dispose()|};
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("_ssl", "it may hold the SslStream created in the Connection constructor (Test0.cs:11)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_field_disposed_in_DisposeAsync(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async ValueTask DisposeAsync()
    {
        {|TLS001:await _ssl.DisposeAsync()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_field_closed_in_Close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class FtpDataChannel
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""ftp.example"");
    }

    public void Close()
    {
        {|TLS001:_ssl.Close()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_field_disposed_in_helper_called_by_Dispose(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""redis.example"");
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseTransport();
        }
    }

    private void ReleaseTransport()
    {
        {|TLS001:_ssl?.Dispose()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_Stream_field_assigned_an_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Driver : IDisposable
{
    private Stream _stream;

    public void Connect(TcpClient tcp, bool useTls)
    {
        _stream = tcp.GetStream();
        if (useTls)
        {
            var ssl = new SslStream(_stream);
            ssl.AuthenticateAsClient(""pg.example"");
            _stream = ssl;
        }
    }

    public void Send(byte[] message) => _stream.Write(message, 0, message.Length);

    public void Dispose()
    {
        {|#0:_stream?.Close()|};
        _stream?.Dispose();
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("_stream", "it may hold the SslStream created in Driver.Connect (Test0.cs:16)"));

        // The analyzer only looks at files that can hold an SslStream (TlsReach): a name that leads to one, declared in
        // another file, must bring the file in.

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_from_a_factory_declared_in_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
static class TlsConnector
{
    public static SslStream Open(TcpClient tcp) => new SslStream(tcp.GetStream());
}",
                @"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        var tls = TlsConnector.Open(tcp);
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Dispose()|};
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream returned by TlsConnector.Open"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_subclass_declared_in_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
class PooledTlsStream : SslStream
{
    public PooledTlsStream(Stream inner) : base(inner) { }
}",
                @"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        using (var {|#0:tls = new PooledTlsStream(tcp.GetStream())|})
        {
            tls.AuthenticateAsClient(""db.example"");
        }
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the PooledTlsStream created in Client.Send (File1.cs:8)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp10), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_created_through_a_global_alias_declared_in_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                @"global using Tls = System.Net.Security.SslStream;",
                @"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        var tls = new Tls(tcp.GetStream());
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Close()|};
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream created in Client.Send (File1.cs:8)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_from_an_indexer_reached_through_a_member_of_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
class StreamPool
{
    private readonly SslStream[] _items;

    public StreamPool(SslStream[] items) { _items = items; }

    public SslStream this[int index] => _items[index];
}",
                @"
static class Pools
{
    public static StreamPool Shared = new StreamPool(new System.Net.Security.SslStream[0]);
}",
                @"
class Client
{
    void Send()
    {
        var tls = Pools.Shared[0];
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Dispose()|};
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream held by the StreamPool indexer"));
    }
}
