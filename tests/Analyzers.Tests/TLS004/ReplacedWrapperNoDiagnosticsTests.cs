// TLS004 through a property setter of another type, not reported: the replaced wrapper does not own the SslStream's
// inner stream (it wraps another stream, leaves its stream open, or owns nothing), the setter disposes only on a null
// value, or the property never held a wrapper over the transport.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class ReplacedWrapperNoDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;
        private const string Framer = ReplacedWrapperDiagnosticsTests.Framer;
        private const string Protocol = ReplacedWrapperDiagnosticsTests.Protocol;

        // The first wrapper is over a buffer, not over the stream the SslStream wraps (with leaveInnerStreamOpen: true
        // or not, disposing it closes nothing under the TLS stream).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_replaced_wrapper_over_another_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Framer + Protocol + @"
sealed class Connection : IDisposable
{
    private Stream _stream;
    private Stream _buffer;
    private Protocol _protocol;
    private SslStream _ssl;

    public void Open(Stream transport)
    {
        _stream = transport;
        _buffer = new MemoryStream();
        _protocol = new Protocol(new Framer(_buffer));
    }

    public async Task UpgradeAsync(string host, bool keepInner)
    {
        var ssl = new SslStream(_stream, keepInner);
        await ssl.AuthenticateAsClientAsync(host);
        _protocol.Framer = new Framer(ssl);
        _ssl = ssl;
    }

    public void Dispose()
    {
        _protocol.Dispose();
        _stream.Dispose();
    }
}", version);

        // The first wrapper is told to leave the transport open; its disposal closes nothing.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_replaced_wrapper_that_leaves_its_stream_open(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Protocol + @"
sealed class Framer : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public Framer(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    public Task WriteAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}

sealed class Connection : IDisposable
{
    private Stream _stream;
    private Protocol _protocol;
    private SslStream _ssl;

    public void Open(Stream transport)
    {
        _stream = transport;
        _protocol = new Protocol(new Framer(_stream, leaveOpen: true));
    }

    public async Task UpgradeAsync(string host)
    {
        var ssl = new SslStream(_stream, true);
        await ssl.AuthenticateAsClientAsync(host);
        _protocol.Framer = new Framer(ssl);
        _ssl = ssl;
    }

    public void Dispose()
    {
        _protocol.Dispose();
        _ssl?.Dispose();
        _stream.Dispose();
    }
}", version);

        // The setter disposes the old value only when it is given null (a reset); the upgrade gives it a wrapper.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_setter_that_disposes_only_on_null(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Framer + @"
sealed class Protocol : IDisposable
{
    private Framer _framer;

    public Protocol(Framer framer)
    {
        _framer = framer;
    }

    public Framer Framer
    {
        get { return _framer; }
        set
        {
            if (value == null)
            {
                _framer?.Dispose();
            }

            _framer = value;
        }
    }

    public void Dispose() => _framer?.Dispose();
}

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
        _protocol.Framer = new Framer(ssl);
        _ssl = ssl;
    }

    public void Dispose()
    {
        _protocol.Dispose();
        _stream.Dispose();
    }
}", version);

        // The property is first set at the upgrade: the plain wrapper over the transport is kept elsewhere, and the
        // setter's previous value is never over the transport.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_setter_whose_previous_value_is_never_over_the_transport(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Framer + @"
sealed class Protocol : IDisposable
{
    private Framer _framer;

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

    public void Dispose() => _framer?.Dispose();
}

sealed class Connection : IDisposable
{
    private Stream _stream;
    private Framer _plain;
    private Protocol _protocol = new Protocol();
    private SslStream _ssl;

    public void Open(Stream transport)
    {
        _stream = transport;
        _plain = new Framer(_stream);
    }

    public async Task UpgradeAsync(string host)
    {
        var ssl = new SslStream(_stream, false);
        await ssl.AuthenticateAsClientAsync(host);
        _protocol.Framer = new Framer(ssl);
        _ssl = ssl;
    }

    public void Dispose()
    {
        _protocol.Dispose();
        _stream.Dispose();
    }
}", version);

        // The wrapper is replaced before the handshake: nothing was negotiated, no close_notify is owed (the handshake then
        // fails on the closed transport, an error of its own).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_wrapper_replaced_before_the_handshake(LanguageVersion version) =>
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
        _protocol.Framer = new Framer(ssl);
        _ssl = ssl;
        await ssl.AuthenticateAsClientAsync(host);
    }

    public void Dispose()
    {
        _protocol.Dispose();
        _stream.Dispose();
    }
}", version);
    }
}
