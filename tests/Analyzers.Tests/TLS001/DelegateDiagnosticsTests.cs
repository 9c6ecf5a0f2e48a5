// TLS001: streams produced by delegates (issue 26, shape 2): a method group or lambda handed to a "filter" or "wrap"
// method of the compilation, whose result that method assigns to the connection's stream field.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class DelegateDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // An async method group (Func<Stream, Task<Stream>>) given to the connection's filter method.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_field_given_what_an_async_filter_method_group_returns(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
sealed class Connection : IDisposable
{
    private Stream _stream;

    public Connection(Stream transport) => _stream = transport;

    public async Task FilterAsync(Func<Stream, Task<Stream>> filter)
    {
        _stream = await filter(_stream).ConfigureAwait(false);
    }

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose() => {|#0:_stream.Dispose()|};
}",
                Usings + @"
static class SecureDialer
{
    public static async Task<Connection> DialAsync(TcpClient tcp)
    {
        var connection = new Connection(tcp.GetStream());
        await connection.FilterAsync(SecureAsync);
        return connection;
    }

    private static async Task<Stream> SecureAsync(Stream transport)
    {
        var ssl = new SslStream(transport);
        await ssl.AuthenticateAsClientAsync(""relay.example"");
        return ssl;
    }
}",
            },
            Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in SecureDialer.SecureAsync (File1.cs:18)"));

        // A lambda (Func<Stream, Stream>) kept by an options object and applied, through ?.Invoke, when the session starts.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_field_given_what_a_wrap_lambda_of_the_options_returns(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class SessionOptions
{
    public Func<Stream, Stream> WrapStream { get; set; }
}

sealed class Session
{
    private readonly SessionOptions _options;
    private Stream _stream;

    public Session(SessionOptions options) => _options = options;

    public void Start(Stream transport)
    {
        _stream = _options.WrapStream?.Invoke(transport) ?? transport;
        _stream.Write(new byte[] { 1 }, 0, 1);
    }

    public void Stop() => {|#0:_stream.Close()|};
}

static class SessionFactory
{
    public static Session Create(string host) => new Session(new SessionOptions
    {
        WrapStream = transport =>
        {
            var ssl = new SslStream(transport);
            ssl.AuthenticateAsClient(host);
            return ssl;
        },
    });
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in SessionFactory.Create (Test0.cs:34)"));

        // Wrappers composed one over the other before the connection applies them.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_field_given_what_composed_wrappers_return(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Pipeline : IDisposable
{
    private Func<Stream, Stream> _wrap = s => s;
    private Stream _stream;

    public void Use(Func<Stream, Stream> wrapper)
    {
        var previous = _wrap;
        _wrap = s => wrapper(previous(s));
    }

    public void Open(Stream transport)
    {
        _stream = _wrap(transport);
        _stream.Flush();
    }

    public void Dispose() => {|#0:_stream?.Dispose()|};
}

static class Setup
{
    public static Pipeline Secure(Pipeline pipeline, string host)
    {
        pipeline.Use(inner =>
        {
            var ssl = new SslStream(inner);
            ssl.AuthenticateAsClient(host);
            return ssl;
        });
        return pipeline;
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Setup.Secure (Test0.cs:33)"));

        // The filter is handed to an interface method; the implementation (an override in the connection class) applies it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_given_what_a_filter_handed_through_an_interface_returns(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
interface IConnection
{
    void AddFilter(Func<Stream, Stream> filter);
}

abstract class ConnectionBase : IConnection, IDisposable
{
    protected Stream Stream;

    public abstract void AddFilter(Func<Stream, Stream> filter);

    public void Send(byte[] data) => Stream.Write(data, 0, data.Length);

    public void Dispose() => {|#0:Stream.Dispose()|};
}

sealed class TcpConnection : ConnectionBase
{
    public TcpConnection(Stream transport) => Stream = transport;

    public override void AddFilter(Func<Stream, Stream> filter) => Stream = filter(Stream);
}

static class Security
{
    public static void Secure(IConnection connection, string host) => connection.AddFilter(transport =>
    {
        var ssl = new SslStream(transport);
        ssl.AuthenticateAsClient(host);
        return ssl;
    });
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("Stream", "it may hold the SslStream created in Security.Secure (Test0.cs:34)"));

        // A method returns the wrapper; the connection keeps it in a local and applies it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_given_what_a_wrapper_returned_by_a_method_produces(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Wrappers
{
    public static Func<Stream, Stream> Tls(string host) => transport =>
    {
        var ssl = new SslStream(transport);
        ssl.AuthenticateAsClient(host);
        return ssl;
    };
}

sealed class Link : IDisposable
{
    private Stream _stream;

    public Link(Stream transport) => _stream = transport;

    public void Secure(string host)
    {
        var wrap = Wrappers.Tls(host);
        _stream = wrap(_stream);
    }

    public void Dispose() => {|#0:_stream.Dispose()|};
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_stream", "it may hold the SslStream created in Wrappers.Tls (Test0.cs:11)"));

        // The wrapped stream is closed by the connection before it is disposed: nothing to report.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_filtered_stream_the_connection_closes(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection
{
    private Stream _stream;

    public Connection(Stream transport) => _stream = transport;

    public async Task FilterAsync(Func<Stream, Task<Stream>> filter) => _stream = await filter(_stream);

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public async Task CloseAsync()
    {
        if (_stream is SslStream ssl)
        {
            await ssl.ShutdownAsync();
        }

        _stream.Dispose();
    }

    public static async Task<Connection> DialAsync(TcpClient tcp)
    {
        var connection = new Connection(tcp.GetStream());
        await connection.FilterAsync(async transport =>
        {
            var ssl = new SslStream(transport);
            await ssl.AuthenticateAsClientAsync(""relay.example"");
            return ssl;
        });
        return connection;
    }
}", version);
    }
}
