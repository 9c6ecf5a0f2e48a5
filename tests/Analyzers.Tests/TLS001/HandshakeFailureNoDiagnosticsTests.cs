// TLS001, not reported: a handshake that failed without an exception, and cleanup that only runs after a failure
// (issue 26, shape 6). No TLS session was established, or it already broke: no close_notify is owed.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class HandshakeFailureNoDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // The handshake raced against a timer and the timer won.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_handshake_that_lost_a_race_against_a_timer(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Dialer
{
    public async Task<SslStream> DialAsync(TcpClient tcp, TimeSpan timeout)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(""dial.example"");
        if (await Task.WhenAny(handshake, Task.Delay(timeout)) != handshake)
        {
            ssl.Dispose();
            return null;
        }

        await handshake;
        return ssl;
    }
}", version);

        // The race's winner is the timer, or the handshake task is found faulted or cancelled.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_handshake_task_found_faulted_cancelled_or_beaten(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Acceptor
{
    private SslStream _ssl;

    public async Task<bool> AcceptAsync(TcpClient client, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsServerAsync(certificate);
        var timer = Task.Delay(TimeSpan.FromSeconds(10));
        var winner = await Task.WhenAny(handshake, timer);
        if (winner == timer || handshake.IsFaulted || handshake.IsCanceled)
        {
            ssl.Dispose();
            return false;
        }

        _ssl = ssl;
        return true;
    }

    public async Task CloseAsync()
    {
        await _ssl.ShutdownAsync();
        _ssl.Dispose();
    }
}", version);

        // A synchronous handshake bounded by a wait, and a handshake task whose status is not RanToCompletion.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_handshake_that_did_not_complete_within_its_wait(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class SyncDialer
{
    public bool TryGreet(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(""sync.example"");
        if (!handshake.Wait(TimeSpan.FromSeconds(5)) || handshake.Status != TaskStatus.RanToCompletion)
        {
            ssl.Dispose();
            return false;
        }

        ssl.Write(new byte[] { 1 }, 0, 1);
        ssl.ShutdownAsync().Wait();
        ssl.Dispose();
        return true;
    }
}", version);

        // The handshake raced inline, then the stream is found not authenticated.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_stream_found_not_authenticated(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Probe
{
    public async Task<string> ProtocolAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await Task.WhenAny(ssl.AuthenticateAsClientAsync(""probe.example""), Task.Delay(3000));
        if (!ssl.IsAuthenticated)
        {
            ssl.Dispose();
            return null;
        }

        var protocol = ssl.SslProtocol.ToString();
        await ssl.ShutdownAsync();
        ssl.Dispose();
        return protocol;
    }
}", version);

        // A continuation switches on the handshake task's status: the faulted and cancelled cases clean up.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_faulted_and_cancelled_cases_of_a_switch_on_the_handshake_status(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Handshaker
{
    public async Task<bool> RunAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(""switch.example"");
        try
        {
            await handshake;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
        }

        switch (handshake.Status)
        {
            case TaskStatus.Faulted:
            case TaskStatus.Canceled:
                ssl.Dispose();
                return false;
        }

        await ssl.ShutdownAsync();
        ssl.Dispose();
        return true;
    }
}", version);

        // A helper that disposes what it is given and ignores errors, called only from catch blocks.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_cleanup_helper_called_only_from_catch_blocks(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connector
{
    private Stream _stream;

    private static void DisposeIgnoringErrors(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
        }
    }

    public async Task ConnectAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(""helper.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
        catch (IOException)
        {
            DisposeIgnoringErrors(ssl);
            throw;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            DisposeIgnoringErrors(ssl);
            throw;
        }

        _stream = ssl;
    }

    public async Task CloseAsync()
    {
        await ((SslStream)_stream).ShutdownAsync();
        _stream.Dispose();
    }
}", version);

        // A failure handler is handed the exception it handles at every call: what it disposes, it disposes after a failure.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_failure_handler_handed_the_exception_it_handles(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class TlsChannel
{
    private static readonly Exception ChannelClosed = new IOException(""channel closed"");
    private readonly SslStream _ssl;

    public TlsChannel(Stream transport) => _ssl = new SslStream(transport, true);

    public Task StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate) => _ssl.AuthenticateAsServerAsync(certificate);

    public void OnTransportClosed() => HandleFailure(ChannelClosed);

    public void Send(byte[] data)
    {
        try
        {
            _ssl.Write(data, 0, data.Length);
        }
        catch (IOException ex)
        {
            HandleFailure(ex);
        }
    }

    public async Task CloseAsync()
    {
        await _ssl.ShutdownAsync();
        _ssl.Dispose();
    }

    internal void HandleFailure(Exception cause)
    {
        _ssl.Dispose();
        Console.Error.WriteLine(cause.Message);
    }
}", version);

        // A reconnect disposes the stream a failed connect left in the field: every completed close sets the field to null
        // after it, so a stream still there can only come from a connect that did not finish.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_stale_stream_disposed_at_the_start_of_a_reconnect(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class ReconnectingClient
{
    private readonly string _host;
    private SslStream _ssl;

    public ReconnectingClient(string host) => _host = host;

    public async Task ConnectAsync(TcpClient tcp)
    {
        if (_ssl != null)
        {
            _ssl.Dispose();
        }

        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(_host);
    }

    public Task SendAsync(byte[] data) => _ssl.WriteAsync(data, 0, data.Length);

    public async Task DisconnectAsync()
    {
        if (_ssl != null)
        {
            await _ssl.ShutdownAsync();
            _ssl.Dispose();
            _ssl = null;
        }
    }
}", version);
    }
}
