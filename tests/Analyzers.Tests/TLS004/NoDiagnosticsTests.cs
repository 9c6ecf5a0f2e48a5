// TLS004, not reported: the TLS stream closed or disposed first, handed on, never used; handshake-failure cleanup.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class NoDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        // Disposing the SslStream first is enough here (whether it sent close_notify is TLS001's business).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_transport_closed_after_the_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task RunAsync(TcpClient tcp, Socket socket)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.ShutdownAsync();
        ssl.Dispose();
        tcp.Close();
    }

    void Run(Socket socket)
    {
        var network = new NetworkStream(socket);
        using (var ssl = new SslStream(network, true))
        {
            ssl.AuthenticateAsClient(""db.example"");
        }

        network.Dispose();
        socket.Close();
    }

    void RunNullSafe(TcpClient tcp)
    {
        SslStream ssl = null;
        ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl?.Dispose();
        tcp.Dispose();
    }
}", version);

        // The cleanup of a failed handshake runs in a catch: no session to close.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_cleanup_of_a_failed_handshake(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task<SslStream> ConnectAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
        }
        catch (Exception)
        {
            tcp.Close();
            throw;
        }

        return ssl;
    }
}", version);

        // Handed to a wrapper, returned, or closed by the runtime: someone else closes it, in an order not shown here.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_TLS_stream_handed_on(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"using CloseNotify;

class Connection : IDisposable
{
    private readonly Stream _stream;

    public Connection(Stream stream) => _stream = stream;

    public void Dispose() => _stream.Dispose();
}

class Client
{
    private Connection _connection;

    async Task RunAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        _connection = new Connection(ssl);
        tcp.Close();
    }

    async Task RunGracefulAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await TlsClose.GracefulAsync(ssl);
        tcp.Close();
    }
}", version);

        // No use of the TLS stream: nothing was negotiated, no close_notify is owed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_an_unused_TLS_stream_and_unrelated_transports(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Run(TcpClient tcp, TcpClient other, bool tls)
    {
        var ssl = new SslStream(tcp.GetStream());
        if (!tls)
        {
            tcp.Close();
            return;
        }

        ssl.AuthenticateAsClient(""db.example"");
        other.Close();
        ssl.Dispose();
        tcp.Close();
    }
}", version);

        [Fact]
        public Task Ignores_a_compilation_without_TLS_types() =>
            Verify.AnalyzerAsync(@"
using System.IO;
class Pipe
{
    void Close(Stream inner, Stream outer)
    {
        outer.Flush();
        inner.Dispose();
    }
}", LanguageVersion.CSharp7_3);
    
        // Usings end in reverse order: the TLS stream's first.
        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Ignores_nested_usings_of_transport_and_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(string host, byte[] data)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, 443);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(host);
        await ssl.WriteAsync(data, 0, data.Length);
    }

    void Send(string host, byte[] data)
    {
        using (var tcp = new TcpClient(host, 443))
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            ssl.AuthenticateAsClient(host);
            ssl.Write(data, 0, data.Length);
        }
    }
}", version);

        // The handshake did not succeed, and no exception says so: a timer won the race, the task faulted, a wait timed
        // out, the stream is not authenticated, a flag set in a catch. Nothing was negotiated, no close_notify is owed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_transport_closed_after_a_handshake_that_did_not_succeed(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task<SslStream> ConnectAsync(TcpClient tcp, string host)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(host);
        var timer = Task.Delay(5000);
        if (await Task.WhenAny(handshake, timer) == timer)
        {
            tcp.Close();
            return null;
        }

        return ssl;
    }

    async Task<bool> RaceAsync(TcpClient tcp, string host, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(host);
        var winner = await Task.WhenAny(handshake, Task.Delay(5000));
        if (winner != handshake || handshake.IsFaulted || handshake.IsCanceled)
        {
            tcp.Dispose();
            return false;
        }

        await ssl.WriteAsync(data, 0, data.Length);
        ssl.Dispose();
        tcp.Dispose();
        return true;
    }

    bool Wait(TcpClient tcp, string host)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(host);
        if (!handshake.Wait(5000) || handshake.Status != TaskStatus.RanToCompletion)
        {
            tcp.Close();
            return false;
        }

        ssl.Dispose();
        tcp.Close();
        return true;
    }

    void Check(TcpClient tcp, string host)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            ssl.AuthenticateAsClient(host);
        }
        catch (IOException)
        {
        }

        if (!ssl.IsAuthenticated)
        {
            tcp.Close();
            return;
        }

        ssl.Dispose();
        tcp.Close();
    }

    void Flag(TcpClient tcp, string host)
    {
        var ssl = new SslStream(tcp.GetStream());
        var failed = false;
        try
        {
            ssl.AuthenticateAsClient(host);
        }
        catch (IOException)
        {
            failed = true;
        }

        if (failed)
        {
            tcp.Close();
            return;
        }

        ssl.Dispose();
        tcp.Close();
    }
}", version);

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
