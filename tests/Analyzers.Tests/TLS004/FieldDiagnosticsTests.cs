// TLS004 across the members of a type: the TLS stream and its transport in fields, the transport closed elsewhere.
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
    }
}
