// TLS004 through a property setter of another type: an upgrade wraps the transport in an SslStream, then gives an owner
// a new wrapper over the SslStream; the owner's setter disposes the wrapper it replaces, which disposes the transport.
// Reported at the assignment (the setter cannot see the TLS stream), once per assignment.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class ReplacedWrapperDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        // A wrapper that owns the stream it is given.
        internal const string Framer = @"
sealed class Framer : IDisposable
{
    private readonly Stream _stream;

    public Framer(Stream stream)
    {
        _stream = stream;
    }

    public Task WriteAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose() => _stream.Dispose();
}
";

        // An owner whose setter disposes the value it replaces.
        internal const string Protocol = @"
sealed class Protocol : IDisposable
{
    private Framer _framer;

    public Protocol(Framer framer)
    {
        Framer = framer;
    }

    public Framer Framer
    {
        get { return _framer; }
        set
        {
            var previous = _framer;
            _framer = value;
            previous?.Dispose();
        }
    }

    public Task SendAsync(byte[] data) => _framer.WriteAsync(data);

    public void Dispose() => _framer?.Dispose();
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_setter_that_disposes_the_wrapper_over_the_inner_stream_after_the_upgrade(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Framer + Protocol + @"
sealed class Connection : IDisposable
{
    private Stream _stream;
    private Protocol _protocol;
    private SslStream _ssl;

    public void Open(Stream transport)
    {
        _stream = transport;
        _protocol = new Protocol(new Framer(_stream));
    }

    public async Task UpgradeAsync(string host)
    {
        var ssl = new SslStream(_stream, false);
        await ssl.AuthenticateAsClientAsync(host);
        {|TLS004:_protocol.Framer = new Framer(ssl)|};
        _ssl = ssl;
    }

    public Task SendAsync(byte[] data) => _protocol.SendAsync(data);

    public void Dispose()
    {
        _protocol.Dispose();
        _stream.Dispose();
    }
}", version);

        // The general form behind an interface: the owner and the wrappers are reached through interfaces, the first
        // wrapper chosen by the transport (a stream wrapper owns its stream, a socket wrapper owns nothing), the new one
        // made in a local first, the setter disposes before it stores. leaveInnerStreamOpen: true changes nothing: it
        // keeps the SslStream's own disposal from closing the inner stream, not the old wrapper's.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_setter_reached_through_an_interface(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
interface IFramer : IDisposable
{
    Task WriteAsync(byte[] data);
}

interface IProtocol : IDisposable
{
    IFramer Framer { get; set; }
}

sealed class StreamFramer : IFramer
{
    private readonly Stream _stream;

    public StreamFramer(Stream stream)
    {
        _stream = stream;
    }

    public Task WriteAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose()
    {
        _stream.Dispose();
    }
}

sealed class SocketFramer : IFramer
{
    private readonly Socket _socket;

    public SocketFramer(Socket socket)
    {
        _socket = socket;
    }

    public Task WriteAsync(byte[] data)
    {
        _socket.Send(data);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}

sealed class PlainProtocol : IProtocol
{
    private IFramer _framer;

    public PlainProtocol(IFramer framer)
    {
        _framer = framer;
    }

    public IFramer Framer
    {
        get { return _framer; }
        set
        {
            if (value == null)
            {
                throw new ArgumentNullException(nameof(value));
            }

            _framer?.Dispose();
            _framer = value;
        }
    }

    public void Dispose() => _framer?.Dispose();
}

sealed class Session : IDisposable
{
    private Socket _socket;
    private Stream _stream;
    private IProtocol _protocol;
    private SslStream _ssl;

    public void Connect(Socket socket, Stream pipe)
    {
        _socket = socket;
        _stream = pipe ?? new NetworkStream(socket);
        var framer = pipe != null ? new StreamFramer(_stream) : (IFramer)new SocketFramer(_socket);
        _protocol = new PlainProtocol(framer);
    }

    public async Task StartTlsAsync(string host)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsClientAsync(host);
        var secure = new StreamFramer(ssl);
        {|TLS004:_protocol.Framer = secure|};
        _ssl = ssl;
    }

    public void Dispose()
    {
        _protocol.Dispose();
        _ssl?.Dispose();
        _stream.Dispose();
        _socket.Dispose();
    }
}", version);

        // The owner is made empty and given its first wrapper, over the transport, through the same property.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_first_wrapper_given_through_the_property_itself(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Framer + @"
sealed class Protocol : IDisposable
{
    private Framer _framer;

    public Framer Framer
    {
        get { return _framer; }
        set
        {
            _framer?.Dispose();
            _framer = value;
        }
    }

    public void Dispose() => _framer?.Dispose();
}

sealed class Connection : IDisposable
{
    private readonly Protocol _protocol = new Protocol();
    private Stream _stream;

    public void Open(Stream transport)
    {
        _stream = transport;
        _protocol.Framer = new Framer(_stream);
    }

    public async Task UpgradeAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        var ssl = new SslStream(_stream);
        await ssl.AuthenticateAsServerAsync(certificate);
        {|TLS004:_protocol.Framer = new Framer(ssl)|};
    }

    public void Dispose() => _protocol.Dispose();
}", version);

        // As a real build runs it: TLS001 beside it feeds the flow model.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_setter_that_disposes_the_old_wrapper_with_the_flow_model_fed_by_TLS001(LanguageVersion version) =>
            WithFlowModel.AnalyzeAsync(Usings + Framer + Protocol + @"
sealed class Connection : IDisposable
{
    private Stream _stream;
    private Protocol _protocol;

    public Connection(Stream transport)
    {
        _stream = transport;
        _protocol = new Protocol(new Framer(transport));
    }

    public async Task UpgradeAsync(string host)
    {
        var ssl = new SslStream(_stream);
        await ssl.AuthenticateAsClientAsync(host);
        {|TLS004:_protocol.Framer = new Framer(ssl)|};
    }

    public void Dispose() => _protocol.Dispose();
}", version);
    }
}
