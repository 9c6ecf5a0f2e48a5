// TLS001, reported: a TLS stream that travels as a Stream (out of upgrade helpers, factories, interface members, tuples,
// template methods) before it is disposed (issue 26, shapes 1, 4 and 5), each in general form.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class StreamTravelDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // An upgrade helper returns the authenticated stream as Task<Stream>; the subclass hands it to a setup method of its
        // base class, which keeps it in a private field and disposes it in its shutdown method.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_base_class_field_set_up_with_the_stream_an_upgrade_helper_returns(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
abstract class ChannelBase
{
    private Stream _stream;

    protected void Attach(Stream stream)
    {
        _stream = stream;
    }

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Shutdown()
    {
        if (_stream != null)
        {
            {|#0:_stream.Dispose()|};
        }
    }
}",
                Usings + @"
static class TlsUpgrade
{
    public static async Task<Stream> UpgradeAsync(Stream transport, string host)
    {
        var ssl = new SslStream(transport);
        await ssl.AuthenticateAsClientAsync(host);
        return ssl;
    }
}

sealed class SecureChannel : ChannelBase
{
    public async Task OpenAsync(TcpClient tcp)
    {
        var stream = await TlsUpgrade.UpgradeAsync(tcp.GetStream(), ""queue.example"");
        Attach(stream);
    }
}",
            },
            Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in TlsUpgrade.UpgradeAsync (File1.cs:11)"));

        // The connection gets its stream from an interface whose only implementation in the compilation returns the
        // SslStream it authenticated; a protected property of the base class keeps it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_an_interface_member_implemented_here_returns(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
interface IStreamSecurity
{
    Task<Stream> SecureAsync(Stream transport, string host);
}

sealed class TlsSecurity : IStreamSecurity
{
    public async Task<Stream> SecureAsync(Stream transport, string host)
    {
        var ssl = new SslStream(transport, false);
        await ssl.AuthenticateAsClientAsync(host);
        return ssl;
    }
}

abstract class ClientBase : IDisposable
{
    protected Stream Stream { get; private set; }

    protected void Setup(Stream stream) => Stream = stream;

    public void Dispose() => {|#0:Stream?.Dispose()|};
}

sealed class CacheClient : ClientBase
{
    private readonly IStreamSecurity _security;

    public CacheClient(IStreamSecurity security) => _security = security;

    public async Task ConnectAsync(TcpClient tcp)
    {
        Setup(await _security.SecureAsync(tcp.GetStream(), ""cache.example""));
        await Stream.WriteAsync(new byte[] { 42 }, 0, 1);
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("Stream", "it may hold the SslStream created in TlsSecurity.SecureAsync (Test0.cs:16)"));

        // A factory class authenticates the stream it hands out: held by a using statement and only given to a protocol
        // helper that writes to it, the stream still owes close_notify when the scope ends.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_using_over_a_stream_a_factory_class_authenticated(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class SecureStreamFactory
{
    private readonly string _host;

    public SecureStreamFactory(string host) => _host = host;

    public Stream CreateStream(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(_host);
        return ssl;
    }
}

static class Protocol
{
    public static void WriteHello(Stream stream) => stream.Write(new byte[] { 1, 2 }, 0, 2);
}

sealed class Greeter
{
    private readonly SecureStreamFactory _factory = new SecureStreamFactory(""greeter.example"");

    public void Greet(TcpClient tcp)
    {
        using (var {|#0:stream = _factory.CreateStream(tcp)|})
        {
            Protocol.WriteHello(stream);
        }
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in SecureStreamFactory.CreateStream (Test0.cs:15)"));

        // The same with a using declaration whose stream is never read nor written here: the factory's handshake is enough.
        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_using_declaration_of_an_authenticated_stream_from_a_factory(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connector
{
    public async Task<Stream> OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""probe.example"");
        return ssl;
    }
}

sealed class HealthCheck
{
    public bool Healthy { get; private set; }

    public async Task CheckAsync(Connector connector, TcpClient tcp)
    {
        using var {|#0:stream = await connector.OpenAsync(tcp)|};
        Healthy = stream.CanRead;
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in Connector.OpenAsync (Test0.cs:11)"));

        // The upgrade helper returns the transport and the TLS stream as a tuple: the TLS item is reported, the transport's
        // disposal is not.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_TLS_item_of_a_deconstructed_tuple_and_not_the_transport(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Sources.TupleUpgrade + @"
sealed class CertificateProbe
{
    public async Task<string> ProtocolOfAsync(TcpClient tcp)
    {
        var (transport, tls) = await Secure.UpgradeAsync(tcp, ""ldap.example"");
        var protocol = tls.SslProtocol.ToString();
        {|#0:tls.Dispose()|};
        transport.Dispose();
        return protocol;
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("tls", "it may hold the SslStream created in Secure.UpgradeAsync (Test0.cs:13)"));

        // A public method takes the caller's Stream, wraps it in an SslStream of its own and keeps that one.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_SslStream_a_method_wraps_around_a_Stream_parameter_and_keeps(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
public sealed class MailTransport : IDisposable
{
    private Stream _stream;

    public void Connect(Stream stream, string host, bool secure)
    {
        if (secure)
        {
            var tls = new SslStream(stream, false);
            tls.AuthenticateAsClient(host);
            stream = tls;
        }

        _stream = stream;
    }

    public void Send(byte[] command) => _stream.Write(command, 0, command.Length);

    public void Dispose() => {|#0:_stream?.Dispose()|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in MailTransport.Connect (Test0.cs:15)"));

        // Template method: the base class asks an abstract member for its stream, a TLS subclass overrides it to return an
        // SslStream; the base class's close of that stream is a TLS stream's disposal.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_base_class_close_of_a_stream_a_TLS_override_creates(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
abstract class Transport
{
    private Stream _stream;

    protected abstract Task<Stream> CreateStreamAsync(Socket socket);

    public async Task OpenAsync(Socket socket)
    {
        _stream = await CreateStreamAsync(socket);
    }

    public Task SendAsync(byte[] frame) => _stream.WriteAsync(frame, 0, frame.Length);

    public void Close()
    {
        {|#0:_stream.Close()|};
    }
}",
                Usings + @"
sealed class TlsTransport : Transport
{
    private readonly string _host;

    public TlsTransport(string host) => _host = host;

    protected override async Task<Stream> CreateStreamAsync(Socket socket)
    {
        var ssl = new SslStream(new NetworkStream(socket, true));
        await ssl.AuthenticateAsClientAsync(_host);
        return ssl;
    }
}",
            },
            Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in TlsTransport.CreateStreamAsync (File1.cs:15)"));

        // Template method with the stream in a local of the base class: the override authenticates it, the base class only
        // hands it to a virtual processing method, and the using statement disposes it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_base_class_using_over_the_stream_a_TLS_override_opens(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class RequestHandler
{
    protected abstract Stream OpenStream(Socket socket);

    public async Task HandleAsync(Socket socket)
    {
        using (var {|#0:stream = OpenStream(socket)|})
        {
            await ProcessAsync(stream);
        }
    }

    protected virtual Task ProcessAsync(Stream stream) => stream.WriteAsync(new byte[] { 0 }, 0, 1);
}

sealed class TlsRequestHandler : RequestHandler
{
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate _certificate;

    public TlsRequestHandler(System.Security.Cryptography.X509Certificates.X509Certificate certificate) => _certificate = certificate;

    protected override Stream OpenStream(Socket socket)
    {
        var ssl = new SslStream(new NetworkStream(socket, true));
        ssl.AuthenticateAsServer(_certificate);
        return ssl;
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in TlsRequestHandler.OpenStream (Test0.cs:30)"));

        // A Stream local holds the transport, then the SslStream; it is handed to a channel class of another assembly and
        // disposed in the finally: handing it over did not give it away, since this method still disposes it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_Stream_local_disposed_in_a_finally_after_it_was_handed_to_another_assembly(LanguageVersion version) =>
            Verify.AnalyzerWithLibraryAsync(Usings + @"
sealed class Listener
{
    public async Task ServeAsync(TcpClient client, System.Security.Cryptography.X509Certificates.X509Certificate certificate, Func<Driver.Channel, Task> handler)
    {
        Stream stream = null;
        try
        {
            stream = client.GetStream();
            var ssl = new SslStream(stream, false);
            await ssl.AuthenticateAsServerAsync(certificate);
            stream = ssl;
            await handler(new Driver.Channel(stream));
        }
        catch (IOException)
        {
        }
        finally
        {
            if (stream != null)
            {
                {|#0:await stream.DisposeAsync()|};
            }
        }
    }
}", @"
namespace Driver
{
    public sealed class Channel
    {
        public Channel(System.IO.Stream stream) => Stream = stream;

        public System.IO.Stream Stream { get; }
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in Listener.ServeAsync (Test0.cs:15)"));

        // The same Stream local given the stream an upgrade helper authenticated, and disposed in the finally.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_Stream_local_given_an_upgraded_stream_and_disposed_in_a_finally(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Uploader
{
    private static async Task<Stream> UpgradeAsync(Stream transport)
    {
        var ssl = new SslStream(transport, false);
        await ssl.AuthenticateAsClientAsync(""upload.example"");
        return ssl;
    }

    public async Task UploadAsync(TcpClient tcp, bool secure)
    {
        Stream stream = tcp.GetStream();
        try
        {
            if (secure)
            {
                stream = await UpgradeAsync(stream);
            }
        }
        finally
        {
            {|#0:await stream.DisposeAsync()|};
        }
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in Uploader.UpgradeAsync (Test0.cs:11)"));
    }
}
