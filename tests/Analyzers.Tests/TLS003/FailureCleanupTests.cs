// TLS003 in a method that runs only as cleanup after a failure (every caller hands it the exception it handles, or calls
// it from a catch): swallowing the close's own error there keeps the first one from being replaced, as in a catch. The
// same method is reported once one call is made on a normal path (no exception handed over).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class FailureCleanupTests
    {
        // A connection whose failure handler releases the stream; extraCaller is a further call a test adds.
        private static string Connection(string extraCaller, string catchKeyword = "catch (Exception)") => Usings + @"
sealed class Connection
{
    private static readonly Exception Closed = new IOException(""connection closed"");
    private readonly SslStream _ssl;

    public Connection(Stream transport) => _ssl = new SslStream(transport);

    public event Action<Exception> Faulted;

    public async Task ReceiveAsync(byte[] buffer)
    {
        try
        {
            await _ssl.ReadAsync(buffer, 0, buffer.Length);
        }
        catch (IOException error)
        {
            Fail(error);
            throw;
        }
    }

    public Task SendAsync(byte[] data) =>
        _ssl.WriteAsync(data, 0, data.Length).ContinueWith(t => { if (t.IsFaulted) Fail(t.Exception); });

    // The transport reported its end: nothing can be sent any more.
    public void OnTransportClosed() => Fail(Closed);
" + extraCaller + @"
    private void Fail(Exception cause)
    {
        try
        {
            _ssl.Dispose();
        }
        " + catchKeyword + @"
        {
            // harmless here: the first error is the one that counts
        }

        Faulted?.Invoke(cause);
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_catch_in_a_helper_every_caller_hands_the_exception_it_handles(LanguageVersion version) =>
            Verify.AnalyzerAsync(Connection(string.Empty), version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_shutdown_swallowed_in_a_helper_called_only_from_catch_blocks(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Session
{
    private SslStream _ssl;

    public async Task RunAsync(Stream transport)
    {
        _ssl = new SslStream(transport);
        try
        {
            await _ssl.AuthenticateAsClientAsync(""broker.example"");
            await _ssl.ShutdownAsync();
        }
        catch (Exception error)
        {
            await AbandonAsync(error);
            throw;
        }
    }

    private async Task AbandonAsync(Exception reason)
    {
        try
        {
            await _ssl.ShutdownAsync();
        }
        catch
        {
        }

        _ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_helper_once_a_normal_path_calls_it_without_an_exception(LanguageVersion version) =>
            Verify.AnalyzerAsync(
                Connection(@"
    public void Close() => Fail(null);
", "{|#0:catch (Exception)|}"),
                version,
                Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("Exception", "'_ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_helper_called_with_its_optional_exception_left_out(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Channel
{
    private readonly SslStream _ssl;

    public Channel(SslStream ssl) => _ssl = ssl;

    public void Close() => Release();

    public void OnError(Exception error) => Release(error);

    private void Release(Exception cause = null)
    {
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(1));
        }
        {|#0:catch|}
        {
        }
    }
}", version, Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("catch", "'_ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_handler_that_nothing_in_the_compilation_calls(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
public sealed class Handler
{
    private readonly SslStream _ssl;

    public Handler(SslStream ssl) => _ssl = ssl;

    // Called by a framework, on a failure or not: nothing here says which.
    public void OnClosed(Exception reason)
    {
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(1));
        }
        {|#0:catch (Exception)|}
        {
        }
    }
}", version, Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("Exception", "'_ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_catch_in_a_callback_the_cleanup_helper_registers(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Link
{
    private readonly SslStream _ssl;

    public Link(SslStream ssl) => _ssl = ssl;

    public Action OnIdle;

    public async Task PumpAsync(byte[] buffer)
    {
        try
        {
            await _ssl.ReadAsync(buffer, 0, buffer.Length);
        }
        catch (IOException error)
        {
            Fail(error);
        }
    }

    private void Fail(Exception cause)
    {
        // Runs later, when the owner goes idle: not the cleanup of this failure.
        OnIdle = () =>
        {
            try
            {
                _ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(1));
            }
            {|#0:catch|}
            {
            }
        };
    }
}", version, Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("catch", "'_ssl'"));
    }
}
