// TLS001, not reported: the travelling shapes (issue 26, shapes 1, 4 and 5) where the stream is closed, or is not the
// TLS stream, or was never authenticated when it is disposed.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class StreamTravelNoDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // The transport item of the tuple is a plain NetworkStream: disposing it is not a TLS stream's disposal, and the
        // TLS item is closed first.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_transport_item_of_an_upgrade_tuple(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Sources.TupleUpgrade + @"
sealed class Session
{
    public async Task RunAsync(TcpClient tcp)
    {
        var (transport, tls) = await Secure.UpgradeAsync(tcp, ""ldap.example"");
        await tls.WriteAsync(new byte[] { 1 }, 0, 1);
        await tls.ShutdownAsync();
        tls.Dispose();
        transport.Dispose();
    }
}", version);

        // A factory that hands out the SslStream before its handshake: the caller drops it before authenticating it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_factory_stream_disposed_before_its_handshake(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class StreamFactory
{
    public Stream Create(TcpClient tcp) => new SslStream(tcp.GetStream());
}

sealed class Dialer
{
    private readonly StreamFactory _factory = new StreamFactory();

    public async Task<bool> DialAsync(TcpClient tcp, bool allowed)
    {
        Stream stream = _factory.Create(tcp);
        if (!allowed)
        {
            stream.Dispose();
            return false;
        }

        await ((SslStream)stream).AuthenticateAsClientAsync(""dial.example"");
        await ((SslStream)stream).ShutdownAsync();
        stream.Dispose();
        return true;
    }
}", version);

        // Template method whose base class closes the stream the TLS override created before it disposes it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_base_class_that_closes_the_stream_of_a_TLS_override(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class Transport
{
    private Stream _stream;

    protected abstract Task<Stream> CreateStreamAsync(Socket socket);

    public async Task OpenAsync(Socket socket) => _stream = await CreateStreamAsync(socket);

    public Task SendAsync(byte[] frame) => _stream.WriteAsync(frame, 0, frame.Length);

    public async Task CloseAsync()
    {
        var tls = _stream as SslStream;
        if (tls != null)
        {
            await tls.ShutdownAsync();
        }

        _stream.Dispose();
    }
}

sealed class TlsTransport : Transport
{
    protected override async Task<Stream> CreateStreamAsync(Socket socket)
    {
        var ssl = new SslStream(new NetworkStream(socket, true));
        await ssl.AuthenticateAsClientAsync(""broker.example"");
        return ssl;
    }
}", version);

        // The Stream local of the finally is closed through a type test before it is disposed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_Stream_local_closed_before_the_finally_disposes_it(LanguageVersion version) =>
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
            if (stream is SslStream tls)
            {
                await tls.ShutdownAsync();
            }
        }
        finally
        {
            if (stream != null)
            {
                await stream.DisposeAsync();
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
}", version);
    }
}
