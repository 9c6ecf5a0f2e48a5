// TLS001, reported: the shapes real drivers hold their TLS streams in, across methods, types and files
// (docs/corpus.md). Each is written here after a shape seen in the corpus, in general form.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class CrossMethodDiagnosticsTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        // A byte handler of the library keeps the stream it is given in a Stream field and disposes it; the session that
        // created the TLS stream hands it over in another file. The diagnostic goes where the fix goes: the handler.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_wrapper_disposing_the_Stream_field_it_was_given(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
interface IByteHandler : IDisposable
{
    int Read(byte[] buffer);
}

sealed class StreamByteHandler : IByteHandler
{
    private readonly Stream _stream;

    public StreamByteHandler(Stream stream) => _stream = stream;

    public int Read(byte[] buffer) => _stream.Read(buffer, 0, buffer.Length);

    public void Dispose() => {|#0:_stream.Dispose()|};
}",
                Usings + @"
sealed class Session : IDisposable
{
    private IByteHandler _handler;

    public void Upgrade(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream(), false);
        ssl.AuthenticateAsClient(""db.example"");
        _handler = new StreamByteHandler(ssl);
    }

    public void Dispose() => _handler?.Dispose();
}",
            },
            Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Session.Upgrade (File1.cs:13)"));

        // The protocol stream receives the TLS stream through a property setter and closes it in CloseAsync.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_Stream_property_set_from_outside_and_closed_in_CloseAsync(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
class FrameStream
{
    public Stream Inner { get; set; }

    public Task WriteFrameAsync(byte[] frame) => Inner.WriteAsync(frame, 0, frame.Length);

    public async Task CloseAsync()
    {
        await Inner.FlushAsync();
        {|#0:Inner.Close()|};
    }
}",
                Usings + @"
static class Connector
{
    public static async Task<FrameStream> ConnectAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mq.example"");
        return new FrameStream { Inner = ssl };
    }
}",
            },
            Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("Inner", "it may hold the SslStream created in Connector.ConnectAsync (File1.cs:11)"));

        // An upgrade helper returns the authenticated stream as Task<Stream>; the connection keeps it in its Stream field.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_field_given_the_stream_an_upgrade_helper_returns(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection : IDisposable
{
    private Stream _stream;

    public async Task OpenAsync(TcpClient tcp, bool tls)
    {
        _stream = tcp.GetStream();
        if (tls)
        {
            _stream = await UpgradeAsync(_stream, ""smtp.example"");
        }

        await _stream.WriteAsync(new byte[] { 1 }, 0, 1);
    }

    private static async Task<Stream> UpgradeAsync(Stream inner, string host)
    {
        var ssl = new SslStream(inner);
        await ssl.AuthenticateAsClientAsync(host);
        return ssl;
    }

    public void Dispose() => {|#0:_stream?.Dispose()|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Connection.UpgradeAsync (Test0.cs:24)"));

        // A factory delegate makes the TLS stream; the client stores what it produced.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_made_by_a_factory_delegate(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Client : IDisposable
{
    private readonly Func<Stream, Stream> _secure = inner => new SslStream(inner);
    private Stream _stream;

    public void Connect(TcpClient tcp)
    {
        _stream = _secure(tcp.GetStream());
        ((SslStream)_stream).AuthenticateAsClient(""cache.example"");
    }

    public void Dispose() => {|#0:_stream.Dispose()|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Client._secure (Test0.cs:9)"));

        // A field disposed in a method that is not Dispose: the re-authentication path drops the previous stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_field_disposed_before_it_is_replaced(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class TlsConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private SslStream _ssl;

    public TlsConnection(Socket socket) => _socket = socket;

    public async Task AuthenticateAsync(string host)
    {
        if (_ssl != null)
        {
            {|#0:await _ssl.DisposeAsync()|};
        }

        _ssl = new SslStream(new NetworkStream(_socket, true));
        await _ssl.AuthenticateAsClientAsync(host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ssl != null)
        {
            try
            {
                await _ssl.ShutdownAsync();
            }
            catch (IOException)
            {
            }

            await _ssl.DisposeAsync();
        }
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_ssl", "it may hold the SslStream created in TlsConnection.AuthenticateAsync (Test0.cs:21)"));

        // The connection class of another file tests its Stream as an SslStream (to read the peer certificate): the code
        // itself says the field may be TLS, and its Close closes it with no close_notify.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_Stream_field_the_code_tests_as_an_SslStream_through_an_interface(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
public interface IStreamConnection
{
    Stream Stream { get; }
}

public class StreamConnection : IStreamConnection
{
    private Stream _stream;

    public StreamConnection(Stream stream) => _stream = stream;

    Stream IStreamConnection.Stream
    {
        get { return _stream; }
    }

    public Task<int> ReceiveAsync(byte[] buffer) => _stream.ReadAsync(buffer, 0, buffer.Length);

    protected virtual void Close()
    {
        {|#0:_stream.Close()|};
    }
}",
                Usings + @"
public static class ConnectionExtensions
{
    public static System.Security.Cryptography.X509Certificates.X509Certificate RemoteCertificate(this IStreamConnection connection) =>
        connection.Stream is SslStream ssl && ssl.IsAuthenticated ? ssl.RemoteCertificate : null;
}",
            },
            Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold an SslStream, as ConnectionExtensions.RemoteCertificate tests it (File1.cs:10)"));

        // A field the type only uses through local copies (var stream = _stream;) is still the field.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_field_used_and_disposed_only_through_local_copies(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Channel
{
    private Stream _stream;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""broker.example"");
        _stream = ssl;
    }

    public void Send(byte[] data)
    {
        var stream = _stream;
        stream.Write(data, 0, data.Length);
    }

    public void Disconnect()
    {
        var stream = _stream;
        _stream = null;
        {|#0:stream?.Dispose()|};
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in Channel.Open (Test0.cs:13)"));

        // A handler that authenticates the stream it is given and disposes it when the session ends.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_parameter_the_method_authenticates_and_disposes(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Server
{
    public async Task AcceptAsync(TcpClient client, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        await ServeAsync(new SslStream(client.GetStream()), certificate);
    }

    private static async Task ServeAsync(SslStream ssl, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        await ssl.AuthenticateAsServerAsync(certificate);
        await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        {|#0:ssl.Dispose()|};
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("ssl", "it may hold the SslStream created in Server.AcceptAsync (Test0.cs:11)"));

        // A generic Dispose<T>(ref T) helper cannot say what it disposes: the call is the site.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_field_given_to_a_generic_dispose_helper(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Utility
{
    public static void Dispose<T>(ref T disposable)
        where T : class, IDisposable
    {
        if (disposable != null)
        {
            disposable.Dispose();
            disposable = null;
        }
    }
}

sealed class Session : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose() => {|#0:Utility.Dispose(ref _ssl)|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_ssl", "it may hold the SslStream created in Session.Open (Test0.cs:26)"));
    }
}
