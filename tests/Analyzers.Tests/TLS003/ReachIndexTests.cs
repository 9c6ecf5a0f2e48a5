// TLS003's reach at the end of the compilation binds a callee's body again only when the calls the flow model was handed
// say it may close within the calls left (CallIndex): these shapes must still be followed to the close. Each chain has
// an unrelated call on the way, so a method is known to the index and only its recorded targets or using keep it in.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class ReachIndexTests
    {
        // Interface → a base-class method → an abstract method whose override shuts down: three calls down.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_close_through_an_interface_a_base_method_and_an_override(LanguageVersion version) =>
            Verify.AnalyzerAsync(Sources.Usings + @"
interface IChannel
{
    Task CloseAsync();
}

abstract class ChannelBase
{
    protected SslStream Ssl;

    public Task StopAsync()
    {
        Console.WriteLine(""stopping"");
        return CloseCoreAsync();
    }

    protected abstract Task CloseCoreAsync();
}

sealed class TlsChannel : ChannelBase, IChannel
{
    public TlsChannel(SslStream ssl) { Ssl = ssl; }

    public Task CloseAsync()
    {
        Console.WriteLine(""closing"");
        return StopAsync();
    }

    protected override async Task CloseCoreAsync()
    {
        await Ssl.ShutdownAsync();
        Ssl.Dispose();
    }
}

sealed class Client
{
    private IChannel _channel;

    public void Attach(IChannel channel) { _channel = channel; }

    public async Task EndAsync()
    {
        try { await _channel.CloseAsync(); }
        {|#0:catch|} { }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_channel.CloseAsync()' (reaching 'Ssl' in TlsChannel.CloseCoreAsync)"));

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
