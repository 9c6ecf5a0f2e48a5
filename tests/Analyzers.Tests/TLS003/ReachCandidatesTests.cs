// TLS003's reach at the end of the compilation reads a callee's body only when its syntax names a close, or calls a
// method of that name that does, within the calls left (CloseCandidates, issue 26's cost). Each test is a close the
// name test must let through: a P/Invoke of SSL_shutdown under another C# name, the runtime's close called from a
// generic helper, a close behind a conditional call. Each chain has an unrelated call on the way.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class ReachCandidatesTests
    {
        // The import's C# name (Quit) is the name the call is written with: it counts as a close, two calls down.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_call_that_reaches_an_SSL_shutdown_import_under_another_name(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
static class Native
{
    [DllImport(""libssl.so.3"", EntryPoint = ""SSL_shutdown"")]
    public static extern int Quit(IntPtr ssl);
}

sealed class TlsSession
{
    private readonly IntPtr _handle;
    private readonly SslStream _stream;

    public TlsSession(IntPtr handle, SslStream stream) { _handle = handle; _stream = stream; }

    public void End()
    {
        Console.WriteLine(""ending"");
        Stop();
    }

    private void Stop() { Native.Quit(_handle); }
}

sealed class Client
{
    private TlsSession _session;

    public void Attach(TlsSession session) { _session = session; }

    public void Close()
    {
        try { _session.End(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_session.End()' (reaching SSL_shutdown in TlsSession.Stop)"));

        // A generic helper's call is written with its type argument (Finish<bool>()); the runtime's close is named by its
        // own method name.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_call_whose_generic_helper_closes_through_the_runtime(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.UsingsWithRuntime + @"
sealed class Channel
{
    private readonly SslStream _ssl;

    public Channel(SslStream ssl) { _ssl = ssl; }

    public async Task<bool> EndAsync()
    {
        Console.WriteLine(""ending"");
        return await FinishAsync<bool>();
    }

    private async Task<T> FinishAsync<T>()
    {
        await TlsClose.GracefulAsync(_ssl);
        return default(T);
    }
}

sealed class Client
{
    private Channel _channel;

    public void Attach(Channel channel) { _channel = channel; }

    public async Task StopAsync()
    {
        try { await _channel.EndAsync(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_channel.EndAsync()' (reaching '_ssl' in Channel.FinishAsync)"));

        // Calls made through a null-conditional (_link?.Shut(), _tunnel?.Finish()): the close is two calls down.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_conditional_call_that_shuts_down_two_calls_down(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
sealed class Tunnel
{
    private readonly SslStream _ssl;

    public Tunnel(SslStream ssl) { _ssl = ssl; }

    public void Finish()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.Dispose();
    }
}

sealed class Link
{
    private Tunnel _tunnel;

    public void Open(Tunnel tunnel) { _tunnel = tunnel; }

    public void Shut()
    {
        Console.WriteLine(""shutting"");
        _tunnel?.Finish();
    }
}

sealed class Client
{
    private Link _link;

    public void Start(Link link) { _link = link; }

    public void Stop()
    {
        try { Console.WriteLine(""stopping""); _link?.Shut(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_link.Shut()' (reaching '_ssl' in Tunnel.Finish)"));
    }
}
