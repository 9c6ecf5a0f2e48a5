// TLS004 across members and types: the TLS stream and its transport in members (of the type, of a base class, of another
// object), the transport closed in another member, a base class's method, or another type.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Fixer = CloseNotify.CodeFixes.TransportClosedUnderTlsFixer;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FieldDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        private const string Connection = @"
sealed class Connection : IDisposable
{
    private readonly TcpClient _tcp = new TcpClient();
    private SslStream _ssl;

    public async Task OpenAsync(string host)
    {
        await _tcp.ConnectAsync(host, 443);
        _ssl = new SslStream(_tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(host);
    }

    public Task SendAsync(byte[] data) => _ssl.WriteAsync(data, 0, data.Length);

    public bool IsSecure => _ssl != null && _ssl.IsAuthenticated;
";

        // The SslStream is never closed anywhere in the type; Dispose tears the socket down under it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_transport_field_closed_under_a_TLS_field_nothing_closes(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Connection + @"
    public void Dispose()
    {
        {|TLS004:_tcp.Dispose()|};
    }

    public void Abort() => {|TLS004:_tcp.Client.Shutdown(SocketShutdown.Both)|};
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_the_TLS_field_first(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Connection + @"
    public void Dispose()
    {
        {|TLS004:_tcp.Dispose()|};
    }
}", Usings + "using CloseNotify;\n" + Connection + @"
    public void Dispose()
    {
        TlsClose.Notify(_ssl);
        _tcp.Dispose();
    }
}", Fixer.CloseFirstKey, version, compilationEnd: true);

        // Disposed somewhere, shut down, handed out or copied: the order cannot be told member by member.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_TLS_field_the_type_closes_or_hands_out(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Connection.Replace("sealed class Connection", "sealed class Disposing") + @"
    public void Close() => _ssl.Dispose();

    public void Dispose() => _tcp.Dispose();
}
" + Connection.Replace("sealed class Connection", "sealed class Exposing") + @"
    public Stream Stream => _ssl;

    public void Dispose() => _tcp.Dispose();
}
" + Connection.Replace("sealed class Connection", "sealed class ShuttingDown") + @"
    public async Task CloseAsync()
    {
        await _ssl.ShutdownAsync();
        _tcp.Close();
    }

    public void Dispose() => _tcp.Dispose();
}", version);

        // The transport closed in a catch (a failed handshake) or in the member that made the TLS stream (judged there).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_transport_closed_after_a_failed_handshake(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection
{
    private readonly TcpClient _tcp = new TcpClient();
    private SslStream _ssl;

    public async Task OpenAsync(string host)
    {
        _ssl = new SslStream(_tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(host);
    }

    public async Task RetryAsync(string host)
    {
        try
        {
            await _ssl.AuthenticateAsClientAsync(host);
        }
        catch (IOException)
        {
            _tcp.Close();
            throw;
        }
    }
}", version);

        // The transport closed in a base class's method, before the derived class closes its TLS stream: reported at the
        // call, where the TLS stream is in reach (the base class alone is a plain TCP channel, right as it is).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_base_class_close_before_the_derived_TLS_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + BaseChannel + @"
    public override void Close()
    {
        {|TLS004:base.Close()|};
        _ssl?.Dispose();
    }
}", version);

        internal const string BaseChannel = @"
class SocketChannel : IDisposable
{
    protected readonly Socket Socket;

    public SocketChannel(Socket socket)
    {
        Socket = socket;
    }

    public virtual void Close()
    {
        Socket.Shutdown(SocketShutdown.Both);
        Socket.Dispose();
    }

    public void Dispose() => Close();
}

sealed class TlsChannel : SocketChannel
{
    private SslStream _ssl;

    public TlsChannel(Socket socket) : base(socket)
    {
    }

    public async Task OpenAsync(string host)
    {
        _ssl = new SslStream(new NetworkStream(Socket));
        await _ssl.AuthenticateAsClientAsync(host);
    }

    public Task SendAsync(byte[] data) => _ssl.WriteAsync(data, 0, data.Length);
";

        // The socket and the stream in two fields of a shared base class, the TLS stream put there by one subclass and the
        // socket shut down, then closed, in the base class: one finding, reported at the first close.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_socket_closed_in_shared_base_code_once(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class Connection : IDisposable
{
    protected Socket Socket;
    protected Stream Stream;

    public Task WriteAsync(byte[] data) => Stream.WriteAsync(data, 0, data.Length);

    public void Dispose()
    {
        if (Socket == null)
        {
            return;
        }

        {|TLS004:Socket.Shutdown(SocketShutdown.Both)|};
        Socket.Close();
    }
}

sealed class PlainConnection : Connection
{
    public PlainConnection(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket);
    }
}

sealed class SecureConnection : Connection
{
    public SecureConnection(Socket socket)
    {
        Socket = socket;
    }

    public async Task AuthenticateAsync(string host)
    {
        var ssl = new SslStream(new NetworkStream(Socket));
        await ssl.AuthenticateAsClientAsync(host);
        Stream = ssl;
    }
}", version);

        // The SslStream is never disposed or shut down anywhere; the socket is taken out of its field and shut down, closed
        // and disposed by a helper the public Dispose calls (its optional parameter's default value is a body of its own):
        // one finding, in the helper.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_socket_disposed_under_a_TLS_stream_never_disposed(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"using System.Net;

sealed class Bridge
{
    private Link _physical;

    public void Attach(Link link) => _physical = link;

    public void OnDisconnected(Link link)
    {
        if (link == _physical)
        {
            _physical = null;
        }
    }
}

sealed class Link : IDisposable
{
    private readonly Bridge _bridge = new Bridge();
    private Socket _socket;
    private Stream _stream;

    internal Socket Socket => Volatile.Read(ref _socket);

    public async Task ConnectAsync(EndPoint endPoint, string host)
    {
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await _socket.ConnectAsync(endPoint);
        var socket = Socket;
        if (socket != null)
        {
            await StartTlsAsync(socket, host);
        }
    }

    private async Task StartTlsAsync(Socket socket, string host)
    {
        var stream = Open(socket);
        var ssl = new SslStream(stream, false);
        await ssl.AuthenticateAsClientAsync(host);
        _stream = ssl;

        Stream Open(Socket s) => new NetworkStream(s);
    }

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose() => Shutdown();

    internal void Shutdown(bool disposing = true)
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket != null)
        {
            // The bridge keeps this link (and so, through it, the TLS stream): telling it is no close.
            _bridge.OnDisconnected(this);
            try
            {
                {|TLS004:socket.Shutdown(SocketShutdown.Both)|};
            }
            catch (SocketException)
            {
            }

            try
            {
                socket.Close();
            }
            catch (SocketException)
            {
            }

            socket.Dispose();
        }
    }
}", version);

        // The same findings when TLS001 runs beside TLS004 and feeds the flow model (a real build), as when TLS004 feeds it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_same_with_TLS001_feeding_the_flow_model(LanguageVersion version) =>
            WithFlowModel.AnalyzeAsync(Usings + BaseChannel + @"
    public override void Close()
    {
        {|TLS004:base.Close()|};
        _ssl?.Dispose();
    }
}
" + Connection.Replace("sealed class Connection", "sealed class NeverClosed") + @"
    public void Dispose()
    {
        {|TLS004:_tcp.Dispose()|};
    }
}", version);    }
}
