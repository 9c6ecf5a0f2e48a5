// TLS004 across types: the TLS stream made by a delegate (a filter, a factory) given the transport, and a transport closed
// by another class than the one keeping the TLS stream.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class OtherTypesDiagnosticsTests
    {
        private const string Usings = DiagnosticsTests.Usings;
        // The stream field is set through filter delegates (a method that takes one, a property that holds one), which wrap
        // it in an SslStream; the TcpClient under it is disposed first.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_client_disposed_under_a_stream_set_through_filters(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Channel : IDisposable
{
    private readonly TcpClient _client;
    private Stream _stream;

    public Channel(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public Func<Stream, Stream> Wrap { get; set; }

    public async Task UseFilterAsync(Func<Stream, Task<Stream>> filter)
    {
        _stream = await filter(_stream);
    }

    public void Start()
    {
        if (Wrap != null)
        {
            _stream = Wrap(_stream);
        }
    }

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public void Dispose()
    {
        {|TLS004:_client.Dispose()|};
        _stream?.Dispose();
    }
}

static class Filters
{
    public static Task UseTlsAsync(Channel channel, string host) =>
        channel.UseFilterAsync(async inner =>
        {
            var ssl = new SslStream(inner);
            await ssl.AuthenticateAsClientAsync(host);
            return ssl;
        });

    public static void UseServerTls(Channel channel, System.Security.Cryptography.X509Certificates.X509Certificate certificate) =>
        channel.Wrap = inner =>
        {
            var ssl = new SslStream(inner, false);
            ssl.AuthenticateAsServer(certificate);
            return ssl;
        };
}", version);

        // The SslStream comes from a factory delegate given the inner stream (a constructor chained with a lambda); a helper
        // called on the normal close disposes the inner stream before the SslStream.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_an_inner_stream_disposed_before_a_TLS_stream_from_a_factory(LanguageVersion version) =>
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

    public void Write(byte[] data) => _ssl.Write(data, 0, data.Length);

    public void Dispose() => Release();

    private void Release()
    {
        {|TLS004:_bridge.Dispose()|};
        _ssl.Dispose();
    }
}", version);

        // Another class shuts the socket of a session down on its kick and idle-timeout paths, then disposes the session,
        // whose Dispose closes the TLS stream: too late, the transport is gone.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_socket_shut_down_in_another_class_before_the_owner_closes_the_TLS_stream(LanguageVersion version) =>
            WithFlowModel.AnalyzeAsync(Usings + Session + @"
sealed class SessionManager
{
    private readonly List<Session> _sessions = new List<Session>();

    public void Kick(Session session)
    {
        {|TLS004:session.Socket.Shutdown(SocketShutdown.Both)|};
        session.Dispose();
    }

    public void CloseIdle(DateTime before)
    {
        foreach (var session in _sessions)
        {
            if (session.LastActive < before)
            {
                {|TLS004:session.Socket.Shutdown(SocketShutdown.Both)|};
                session.Dispose();
            }
        }
    }
}", version);

        internal const string Session = @"using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using CloseNotify;

sealed class Session : IDisposable
{
    private readonly SslStream _ssl;

    public Session(Socket socket)
    {
        Socket = socket;
        _ssl = new SslStream(new NetworkStream(socket), false);
    }

    public Socket Socket { get; }

    public DateTime LastActive { get; private set; }

    internal SslStream Ssl => _ssl;

    public Task StartAsync(X509Certificate certificate) => _ssl.AuthenticateAsServerAsync(certificate);

    public async Task SendAsync(byte[] data)
    {
        await _ssl.WriteAsync(data, 0, data.Length);
        LastActive = DateTime.UtcNow;
    }

    public void Dispose()
    {
        TlsClose.Notify(_ssl);
        Socket.Dispose();
    }
}
";
    }
}
