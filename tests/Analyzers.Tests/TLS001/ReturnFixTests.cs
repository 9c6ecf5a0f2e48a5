// TLS001 fixes at a return that leaves the stream's scope with a value that uses the stream: the value is computed
// into a local first, then the close, then the local is returned.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class ReturnFixTests
    {
        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Synchronous_return_of_a_read_keeps_the_value_then_closes(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Probe
{
    int FirstByte(TcpClient tcp)
    {
        using var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        {|TLS001:return ssl.ReadByte();|}
    }
}", UsingsWithRuntime + @"
class Probe
{
    int FirstByte(TcpClient tcp)
    {
        using var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        var result = ssl.ReadByte();
        TlsClose.Notify(ssl);
        return result;
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Awaited_return_in_a_using_statement_keeps_the_value_then_awaits_the_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Probe
{
    async Task<string> GreetingAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""mail.example"");
            {|TLS001:return await ReadReplyAsync(ssl);|}
        }
    }

    static async Task<string> ReadReplyAsync(Stream stream)
    {
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, 0, buffer.Length);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }
}", UsingsWithRuntime + @"
class Probe
{
    async Task<string> GreetingAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""mail.example"");
            var result = await ReadReplyAsync(ssl);
            await TlsClose.GracefulAsync(ssl);
            return result;
        }
    }

    static async Task<string> ReadReplyAsync(Stream stream)
    {
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, 0, buffer.Length);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Embedded_early_return_becomes_a_block_with_the_value_kept(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Probe
{
    long Length(TcpClient tcp, bool header)
    {
        using var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        if (header)
            {|TLS001:return ssl.ReadByte() << 8;|}
        ssl.WriteByte(0);
        {|TLS001:return 0;|}
    }
}", UsingsWithRuntime + @"
class Probe
{
    long Length(TcpClient tcp, bool header)
    {
        using var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        if (header)
        {
            long result = ssl.ReadByte() << 8;
            TlsClose.Notify(ssl);
            return result;
        }
        ssl.WriteByte(0);
        TlsClose.Notify(ssl);
        return 0;
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Return_leaving_two_streams_keeps_its_value_once_and_closes_both(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Relay
{
    int Pump(TcpClient a, TcpClient b)
    {
        using var left = new SslStream(a.GetStream());
        using var right = new SslStream(b.GetStream());
        left.AuthenticateAsClient(""a.example"");
        right.AuthenticateAsClient(""b.example"");
        var value = left.ReadByte();
        right.WriteByte((byte)value);
        {|TLS001:{|TLS001:return right.ReadByte();|}|}
    }
}", UsingsWithRuntime + @"
class Relay
{
    int Pump(TcpClient a, TcpClient b)
    {
        using var left = new SslStream(a.GetStream());
        using var right = new SslStream(b.GetStream());
        left.AuthenticateAsClient(""a.example"");
        right.AuthenticateAsClient(""b.example"");
        var value = left.ReadByte();
        right.WriteByte((byte)value);
        var result = right.ReadByte();
        TlsClose.Notify(left);
        TlsClose.Notify(right);
        return result;
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Without_the_runtime_the_value_is_kept_before_the_bounded_shutdown(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Probe
{
    async Task<int> FirstByteAsync(TcpClient tcp)
    {
        using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        {|TLS001:return ssl.ReadByte();|}
    }
}", "using System;\nusing System.IO;\nusing System.Net.Security;\nusing System.Net.Sockets;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n" + @"
class Probe
{
    async Task<int> FirstByteAsync(TcpClient tcp)
    {
        using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        var result = ssl.ReadByte();
        try
        {
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        return result;
    }
}", Key, version);
    }
}
