// TLS001: what the helpers around a TLS stream do to it (issue 26, shapes 1 and 4): ValueTask upgrade helpers, generic
// base classes, handshake helpers, awaitable wrappers of the library's own, and the disposal chain of a Stream wrapper.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class UpgradeHelperDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // A ValueTask<Stream> upgrade helper, its result given to a generic base class through the constructor chain.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_generic_base_class_field_given_what_a_ValueTask_helper_returns(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class ChannelBase<TMessage> : IDisposable
{
    private readonly Stream _stream;

    protected ChannelBase(Stream stream) => _stream = stream;

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public virtual void Dispose() => {|#0:_stream.Dispose()|};
}

sealed class Message
{
}

sealed class SecureChannel : ChannelBase<Message>
{
    private SecureChannel(Stream stream)
        : base(stream)
    {
    }

    public static async Task<SecureChannel> OpenAsync(TcpClient tcp) => new SecureChannel(await Tls.UpgradeAsync(tcp.GetStream()));
}

static class Tls
{
    public static async ValueTask<Stream> UpgradeAsync(Stream transport)
    {
        var ssl = new SslStream(transport);
        await ssl.AuthenticateAsClientAsync(""channel.example"");
        return ssl;
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Tls.UpgradeAsync (Test0.cs:36)"));

        // The tuple's items read by name and by position into two fields: only the TLS item's field is reported.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_field_given_the_TLS_item_of_a_tuple_and_not_the_transport_field(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Secure
{
    public static async Task<(Stream Transport, SslStream Tls)> UpgradeAsync(TcpClient tcp)
    {
        var transport = tcp.GetStream();
        var ssl = new SslStream(transport, true);
        await ssl.AuthenticateAsClientAsync(""pair.example"");
        return (transport, ssl);
    }
}

sealed class Pair : IDisposable
{
    private Stream _transport;
    private Stream _tls;

    public async Task OpenAsync(TcpClient tcp)
    {
        var pair = await Secure.UpgradeAsync(tcp);
        _transport = pair.Transport;
        _tls = pair.Item2;
        await _transport.WriteAsync(new byte[] { 0 }, 0, 1);
    }

    public void Dispose()
    {
        {|#0:_tls.Dispose()|};
        _transport.Dispose();
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_tls", "it may hold the SslStream created in Secure.UpgradeAsync (Test0.cs:12)"));

        // The handshake and the first write happen in helpers the stream is handed to: after them it owes close_notify.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_a_handshake_helper_authenticated(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Protocol
{
    public static Task HandshakeAsync(SslStream ssl, string host) => ssl.AuthenticateAsClientAsync(host);

    public static Task HelloAsync(Stream stream) => stream.WriteAsync(new byte[] { 0x01 }, 0, 1);
}

sealed class Client
{
    public async Task HelloAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await Protocol.HandshakeAsync(ssl, ""hello.example"");
        await Protocol.HelloAsync(ssl);
        {|#0:ssl.Dispose()|};
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("ssl", "it may hold the SslStream created in Client.HelloAsync (Test0.cs:18)"));

        // A library's own ConfigureAwait(false) wrapper (an extension returning a configured awaitable) is seen through.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_awaited_through_the_librarys_own_ConfigureAwait_wrapper(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class TaskExtensions
{
    public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable<T> NoContext<T>(this Task<T> task) => task.ConfigureAwait(false);
}

sealed class Tunnel : IDisposable
{
    private Stream _stream;

    public async Task OpenAsync(TcpClient tcp)
    {
        _stream = await UpgradeAsync(tcp.GetStream()).NoContext();
    }

    private static async Task<Stream> UpgradeAsync(Stream transport)
    {
        var ssl = new SslStream(transport);
        await ssl.AuthenticateAsClientAsync(""tunnel.example"").ConfigureAwait(false);
        return ssl;
    }

    public void Dispose() => {|#0:_stream?.Dispose()|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Tunnel.UpgradeAsync (Test0.cs:23)"));

        // A Stream wrapper that overrides Close (which Dispose and DisposeAsync reach) and Dispose(bool) (which only its
        // base.Close() reaches): the Close override and the DisposeAsync override are reported, Dispose(bool) is not.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_Close_override_of_a_Stream_wrapper_and_not_the_Dispose_it_reaches(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class CountingStream : Stream
{
    private readonly Stream _inner;

    public CountingStream(Stream inner) => _inner = inner;

    public long Count { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => _inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Count += count;
        _inner.Write(buffer, offset, count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Close()
    {
        {|#0:_inner.Close()|};
        base.Close();
    }

    public override async ValueTask DisposeAsync()
    {
        {|#1:await _inner.DisposeAsync()|};
        await base.DisposeAsync();
    }

    public static async Task<Stream> OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""count.example"");
        return new CountingStream(ssl);
    }
}", version,
                Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                    .WithArguments("_inner", "it may hold the SslStream created in CountingStream.OpenAsync (Test0.cs:55)"),
                Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(1)
                    .WithArguments("_inner", "it may hold the SslStream created in CountingStream.OpenAsync (Test0.cs:55)"));

        // Template method through a property: the base class reads and closes an abstract Stream property that the TLS
        // subclass overrides to return its SslStream field.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_base_class_close_of_an_abstract_Stream_property_a_TLS_subclass_overrides(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class Connection
{
    protected abstract Stream Transport { get; }

    public Task SendAsync(byte[] data) => Transport.WriteAsync(data, 0, data.Length);

    public void Close()
    {
        {|#0:Transport.Dispose()|};
    }
}

sealed class TlsConnection : Connection
{
    private readonly SslStream _ssl;

    public TlsConnection(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""store.example"");
    }

    protected override Stream Transport => _ssl;
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("Transport", "it may hold the SslStream created in the TlsConnection constructor (Test0.cs:25)"));
    }
}
