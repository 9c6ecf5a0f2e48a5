// TLS003's reach at the end of the compilation through calls known only by name: an explicit interface implementation
// and an abstract method's override three calls down, and a helper whose only close is the end of a using. Each chain
// has an unrelated call on the way. (Written for a call index that pruned the reach, measured without gain and
// dropped, docs/cost.md 2026-12-08; the shapes stay tested.)
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class ReachByNameTests
    {
        // A session's close calls an interface method, whose explicit implementation calls an abstract method, whose
        // override shuts down: three calls down, through two calls the index knows only by name.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_close_through_an_explicit_interface_implementation_and_an_override(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
interface IChannel
{
    Task CloseAsync();
}

abstract class ChannelBase
{
    protected SslStream Ssl;

    protected abstract Task CloseCoreAsync();
}

sealed class TlsChannel : ChannelBase, IChannel
{
    public TlsChannel(SslStream ssl) { Ssl = ssl; }

    Task IChannel.CloseAsync()
    {
        Console.WriteLine(""closing"");
        return CloseCoreAsync();
    }

    protected override async Task CloseCoreAsync()
    {
        await Ssl.ShutdownAsync();
        Ssl.Dispose();
    }
}

sealed class Session
{
    private IChannel _channel;

    public void Attach(IChannel channel) { _channel = channel; }

    public Task EndAsync()
    {
        Console.WriteLine(""ending"");
        return _channel.CloseAsync();
    }
}

sealed class Client
{
    private Session _session;

    public void Attach(Session session) { _session = session; }

    public async Task StopAsync()
    {
        try { await _session.EndAsync(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_session.EndAsync()' (reaching 'Ssl' in TlsChannel.CloseCoreAsync)"));

        // A private helper two calls down whose only close is the end of a using of an owner that shuts down.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_close_whose_helper_ends_a_using_of_an_owner(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
sealed class Tunnel : IDisposable
{
    private readonly SslStream _ssl;

    public Tunnel(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""vpn.example""); }

    public void Send(byte[] data) => _ssl.Write(data, 0, data.Length);

    public void Dispose()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.Dispose();
    }
}

sealed class Link
{
    private Tunnel _tunnel;

    public void Open(TcpClient tcp) { _tunnel = new Tunnel(tcp); }

    public void Shut() { Release(); }

    private void Release()
    {
        Console.WriteLine(""release"");
        using (_tunnel)
        {
        }
    }
}

sealed class Client
{
    private Link _link;

    public void Start(TcpClient tcp) { _link = new Link(); _link.Open(tcp); }

    public void Stop()
    {
        try { _link.Shut(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_link.Shut()' (reaching '_tunnel' (reaching '_ssl' in Tunnel.Dispose) in Link.Release)"));
    }
}
