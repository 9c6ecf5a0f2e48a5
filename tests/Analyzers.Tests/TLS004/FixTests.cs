// TLS004 fix: the TLS stream is closed before its transport: graceful in async code, disposed in synchronous code.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Fixer = CloseNotify.CodeFixes.TransportClosedUnderTlsFixer;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FixTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        private const string AsyncSource = @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
        await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
        // done
        {|TLS004:tcp.Close()|};
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_gracefully_with_the_runtime_in_async_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + AsyncSource, Usings + @"using CloseNotify;

class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
        await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
        // done
        await TlsClose.GracefulAsync(ssl).ConfigureAwait(false);
        tcp.Close();
    }
}", Fixer.CloseFirstKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Shuts_down_and_disposes_without_the_runtime(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + AsyncSource, Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
        await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
        // done
        await ssl.ShutdownAsync().ConfigureAwait(false);
        ssl.Dispose();
        tcp.Close();
    }
}", Fixer.CloseFirstKey, version);

        // Synchronous code gets no blocking drain: close_notify within a short bound, before the first transport closed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Notifies_before_the_first_transport_in_sync_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Send(Socket socket, byte[] data)
    {
        var network = new NetworkStream(socket);
        var ssl = new SslStream(network, true);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        {|TLS004:network.Dispose()|};
        socket.Dispose();
    }
}", Usings + @"using CloseNotify;

class Client
{
    void Send(Socket socket, byte[] data)
    {
        var network = new NetworkStream(socket);
        var ssl = new SslStream(network, true);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        TlsClose.Notify(ssl);
        network.Dispose();
        socket.Dispose();
    }
}", Fixer.CloseFirstKey, version);

        // A field may be null where the transport is closed: Notify accepts null (without the runtime, a null-safe Dispose).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_a_field_null_safely(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    private SslStream _ssl;

    void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
        if (!_ssl.IsMutuallyAuthenticated)
            {|TLS004:tcp.Close()|};
    }
}", Usings + @"using CloseNotify;

class Client
{
    private SslStream _ssl;

    void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
        if (!_ssl.IsMutuallyAuthenticated)
        {
            TlsClose.Notify(_ssl);
            tcp.Close();
        }
    }
}", Fixer.CloseFirstKey, version);
    }
}
