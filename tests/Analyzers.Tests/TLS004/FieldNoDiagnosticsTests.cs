// TLS004 across members, not reported: helpers reached only after the TLS close, a plain connection disposed after the TLS
// connection closed, a handler that owns the TLS stream disposed first, error handling.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FieldNoDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;
        // Helpers that close the transport, called only after the TLS stream was disposed, on the branch where it is null,
        // from a catch or from a cancellation callback: never with a live TLS stream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_transport_helpers_called_after_the_TLS_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class DataChannel : IDisposable
{
    private Socket _socket;
    private NetworkStream _network;
    private SslStream _ssl;

    public async Task OpenAsync(Socket socket, string host, CancellationToken cancellationToken)
    {
        _socket = socket;
        _network = new NetworkStream(socket);
        _ssl = new SslStream(_network, true);
        using (cancellationToken.Register(() => CloseSocket()))
        {
            try
            {
                await _ssl.AuthenticateAsClientAsync(host);
            }
            catch (IOException)
            {
                CloseNetwork();
                throw;
            }
        }
    }

    public void Write(byte[] data) => _ssl.Write(data, 0, data.Length);

    public void Dispose()
    {
        if (_ssl != null)
        {
            CloseTls();
            CloseNetwork();
        }
        else
        {
            CloseNetwork();
        }

        CloseSocket();
    }

    internal void CloseTls()
    {
        try
        {
            _ssl.Dispose();
        }
        catch (IOException)
        {
        }
    }

    internal void CloseNetwork()
    {
        try
        {
            _network?.Dispose();
        }
        catch (IOException)
        {
        }
    }

    internal void CloseSocket() => _socket?.Dispose();
}", version);

        // The TLS connection shuts its stream down and disposes it, then disposes the plain connection it runs over, whose
        // own DisposeAsync shuts the socket down: the right order, whatever the plain connection does inside.
        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_plain_connection_disposed_after_the_TLS_connection_closed(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class TcpLink : IAsyncDisposable
{
    public TcpLink(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public ValueTask DisposeAsync()
    {
        Socket.Shutdown(SocketShutdown.Both);
        Socket.Dispose();
        return default;
    }
}

sealed class TlsLink : IAsyncDisposable
{
    private readonly TcpLink _tcp;
    private SslStream _ssl;

    public TlsLink(TcpLink tcp) => _tcp = tcp;

    public async Task UpgradeAsync(string host)
    {
        _ssl = new SslStream(new NetworkStream(_tcp.Socket, true));
        await _ssl.AuthenticateAsClientAsync(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _ssl.ShutdownAsync();
        await _ssl.DisposeAsync();
        await _tcp.DisposeAsync();
    }
}", version);

        // The TLS stream is handed to a protocol handler of the compilation; disposing the handler disposes it, before the
        // stream and the socket under it are disposed (with TLS001 feeding the flow model, and without).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Ignores_a_transport_closed_after_the_handler_that_owns_the_TLS_stream(LanguageVersion version)
        {
            await Verify.AnalyzerAsync(HandlerSession, version);
            await WithFlowModel.AnalyzeAsync(HandlerSession, version);
        }

        private const string HandlerSession = Usings + @"
interface IHandler : IDisposable
{
    Task SendAsync(byte[] data);
}

sealed class StreamHandler : IHandler
{
    private readonly Stream _stream;

    public StreamHandler(Stream stream) => _stream = stream;

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose() => _stream.Dispose();
}

sealed class Session : IDisposable
{
    private Socket _socket;
    private NetworkStream _network;
    private IHandler _handler;
    private SslStream _ssl;

    public async Task StartTlsAsync(Socket socket, string host)
    {
        _socket = socket;
        _network = new NetworkStream(socket);
        var ssl = new SslStream(_network, false);
        await ssl.AuthenticateAsClientAsync(host);
        _handler = new StreamHandler(ssl);
        _ssl = ssl;
    }

    public bool IsSecure => _ssl != null && _ssl.IsAuthenticated;

    public void Dispose()
    {
        Release(ref _handler);
        Release(ref _network);
        Release(ref _socket);
    }

    private static void Release<T>(ref T disposable)
        where T : class, IDisposable
    {
        disposable?.Dispose();
        disposable = null;
    }
}";

        // A failure handler (it is given the exception) disposes the stream under the TLS stream first: an error is being
        // handled, from a callback of a channel already gone or of data that is not TLS, and nothing is owed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_failure_handler_that_disposes_the_inner_stream_first(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class TlsFilter : IDisposable
{
    private readonly Stream _bridge;
    private readonly SslStream _ssl;

    public TlsFilter(Stream bridge)
        : this(bridge, inner => new SslStream(inner, true))
    {
    }

    public TlsFilter(Stream bridge, Func<Stream, SslStream> factory)
    {
        _bridge = bridge;
        _ssl = factory(_bridge);
    }

    public Task StartAsync(string host) => _ssl.AuthenticateAsClientAsync(host);

    public void Write(byte[] data)
    {
        if (data.Length == 0)
        {
            Fail(new InvalidDataException(""nothing to send""));
            return;
        }

        _ssl.Write(data, 0, data.Length);
    }

    public virtual void OnInactive() => Fail(new IOException(""channel closed""));

    public void Dispose() => _ssl.Dispose();

    private void Fail(Exception cause)
    {
        _bridge.Dispose();
        _ssl.Dispose();
    }
}", version);
    }
}
