// TLS001, reported: the counterparts of the handshake-failure shapes (issue 26, shape 6), where the handshake did
// complete or the cleanup also runs on a normal path.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class HandshakeFailureDiagnosticsTests
    {
        private const string Usings = Sources.Usings;

        // The handshake won the race: the session exists, and disposing it without a close is what the rule is about.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_stream_whose_handshake_won_the_race(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Pinger
{
    public async Task<bool> PingAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(""ping.example"");
        if (await Task.WhenAny(handshake, Task.Delay(1000)) == handshake)
        {
            {|#0:ssl.Dispose()|};
            return true;
        }

        ssl.Dispose();
        return false;
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the SslStream created in Pinger.PingAsync (Test0.cs:11)"));

        // The disposing helper runs from a catch and from the normal close: it is reported there.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_disposing_helper_that_also_runs_on_the_normal_path(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connector
{
    private Stream _stream;

    private static void DisposeQuietly(Stream stream)
    {
        try
        {
            {|#0:stream.Dispose()|};
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
            await ssl.AuthenticateAsClientAsync(""quiet.example"");
        }
        catch (IOException)
        {
            DisposeQuietly(ssl);
            throw;
        }

        _stream = ssl;
    }

    public void Close() => DisposeQuietly(_stream);
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("stream", "it may hold the SslStream created in Connector.ConnectAsync (Test0.cs:24)"));

        // A handler that takes an exception but is also called with none on the normal close is no failure handler.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_close_handler_also_called_without_an_exception(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class TlsChannel
{
    private readonly SslStream _ssl;

    public TlsChannel(Stream transport) => _ssl = new SslStream(transport, true);

    public Task StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate) => _ssl.AuthenticateAsServerAsync(certificate);

    public void Close() => OnClosed(null);

    public void Fail(Exception error) => OnClosed(error);

    private void OnClosed(Exception error)
    {
        {|#0:_ssl.Dispose()|};
        if (error != null)
        {
            Console.Error.WriteLine(error.Message);
        }
    }
}", version, Verify.Diagnostic(Descriptors.DisposedWithoutCloseNotifyAcrossMethods).WithLocation(0)
                .WithArguments("_ssl", "it may hold the SslStream created in the TlsChannel constructor (Test0.cs:11)"));
    }
}
