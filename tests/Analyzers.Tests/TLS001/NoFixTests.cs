// TLS001 diagnostics that get no fix, because no close placed there could reach the peer: the transport (socket,
// NetworkStream, the SslStream's inner stream) was closed a statement earlier, or a pipe completed over the stream
// (which disposes it). TLS004 reports the transport close and its fix puts the close before it.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class NoFixTests
    {
        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_after_the_socket_was_shut_down(LanguageVersion version)
        {
            const string source = @"
class Kicker
{
    void Kick(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        tcp.Client.Shutdown(SocketShutdown.Both);
        {|TLS001:ssl.Dispose()|};
    }
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_after_the_inner_stream_was_disposed(LanguageVersion version)
        {
            const string source = @"
sealed class Session : IDisposable
{
    private Stream _inner;
    private SslStream _ssl;

    public void Open(Stream transport)
    {
        _inner = transport;
        _ssl = new SslStream(_inner);
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        _inner.Dispose();
        {|TLS001:_ssl.Dispose()|};
    }
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version, compilationEnd: true);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_at_the_end_of_a_using_whose_last_statement_closes_the_socket(LanguageVersion version)
        {
            const string source = @"
class Client
{
    void Send(TcpClient tcp, byte[] data)
    {
        using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            ssl.AuthenticateAsClient(""db.example"");
            ssl.Write(data, 0, data.Length);
            tcp.Close();
        }
    }
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_for_pipes_completed_over_the_stream(LanguageVersion version)
        {
            // A pipe gives no access to the stream, completing one disposes it, and the pipe's loops may still read or
            // write it: docs/rules/TLS001.md says how to close such a connection by hand.
            const string source = @"using System.IO.Pipelines;

sealed class PipeConnection
{
    private SslStream _ssl;
    private PipeReader _input;
    private PipeWriter _output;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
        _input = PipeReader.Create(_ssl);
        _output = PipeWriter.Create(_ssl);
    }

    public async Task CloseAsync()
    {
        {|TLS001:await _output.CompleteAsync()|};
        await _input.CompleteAsync();
    }
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version, compilationEnd: true);
        }
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_where_the_stream_is_replaced_by_a_new_handshake_on_the_same_connection(LanguageVersion version)
        {
            // The old stream is dropped for a new handshake over the socket it ran on: a close_notify would end the
            // peer's session before that handshake, and an abort would reset the socket the new stream uses.
            const string source = @"
sealed class Upgradeable
{
    private readonly Socket _socket;
    private SslStream _ssl;

    public Upgradeable(Socket socket) => _socket = socket;

    public async Task SendAsync(byte[] data) => await _ssl.WriteAsync(data, 0, data.Length);

    public async Task AuthenticateAsync(string host)
    {
        if (_ssl != null)
            {|TLS001:_ssl.Dispose()|};

        _ssl = new SslStream(new NetworkStream(_socket, false));
        await _ssl.AuthenticateAsClientAsync(host);
    }

    public async Task CloseAsync()
    {
        if (_ssl != null)
        {
            await _ssl.ShutdownAsync();
            _ssl.Dispose();
        }
    }
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version, compilationEnd: true);
        }
    }
}
