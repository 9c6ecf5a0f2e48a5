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

        // The handshake task holds an exception (found, not thrown): TLS001's answer to "did the handshake fail?", which
        // TLS004 shares (HandshakeOutcomes), says the session never started.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_transport_closed_when_the_handshake_task_holds_an_exception(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task<bool> ConnectAsync(TcpClient tcp, string host, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(host);
        await Task.WhenAny(handshake);
        if (handshake.Exception != null)
        {
            tcp.Close();
            return false;
        }

        await ssl.WriteAsync(data, 0, data.Length);
        ssl.Dispose();
        tcp.Close();
        return true;
    }
}", version);
    }
}
