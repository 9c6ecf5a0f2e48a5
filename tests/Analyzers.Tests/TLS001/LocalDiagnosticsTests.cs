// TLS001, reported: streams held in locals (using, Dispose, Close, early exits).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class LocalDiagnosticsTests
    {
        // The analyzer skips compilations where no code can hold an SslStream (no "SslStream" in the source, no
        // non-platform library referencing System.Net.Security): a stream handed out by a library must still count.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_from_a_library_when_the_source_never_names_SslStream(LanguageVersion version) =>
            Verify.AnalyzerWithLibraryAsync(@"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        var tls = Driver.Connector.Open(tcp);
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Dispose()|};
    }
}", @"
namespace Driver
{
    public static class Connector
    {
        public static System.Net.Security.SslStream Open(System.Net.Sockets.TcpClient tcp) => new System.Net.Security.SslStream(tcp.GetStream());
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream returned by Connector.Open"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_compilation_where_no_code_can_hold_an_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(@"
using System.IO;

class Journal
{
    void Write(Stream output)
    {
        Stream copy = new MemoryStream();
        output.CopyTo(copy);
        copy.Dispose();
    }
}", version);


        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_end_of_using_statement_after_authentication(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var {|#0:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the SslStream created in Client.SendAsync (Test0.cs:11)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_using_declaration(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        using var {|TLS001:ssl = new SslStream(tcp.GetStream())|};
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Write(new byte[] { 1 }, 0, 1);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_await_using_declaration(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        await using var {|TLS001:ssl = new SslStream(tcp.GetStream())|};
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.FlushAsync();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_await_using_statement(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        await using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_explicit_Dispose(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Write(new byte[] { 1 }, 0, 1);
        {|TLS001:ssl.Dispose()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_Close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.WriteByte(1);
        {|TLS001:ssl.Close()|};
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_awaited_DisposeAsync(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        {|TLS001:await ssl.DisposeAsync()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_early_return_after_authentication(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task<bool> HandshakeAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""mail.example"");
            if (ssl.ReadByte() != '2')
                {|#0:return false;|}
            await ssl.ShutdownAsync();
            return true;
        }
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the SslStream created in Client.HandshakeAsync (Test0.cs:11)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_break_out_of_using_inside_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Poller
{
    void Poll(Func<TcpClient> connect)
    {
        while (true)
        {
            using (var ssl = new SslStream(connect().GetStream()))
            {
                ssl.AuthenticateAsClient(""queue.example"");
                if (ssl.ReadByte() < 0)
                {
                    {|TLS001:break;|}
                }

                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_local_declared_as_Stream_holding_an_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp, bool secure)
    {
        Stream stream = secure ? new SslStream(tcp.GetStream()) : (Stream)tcp.GetStream();
        if (stream is SslStream ssl)
        {
            ssl.AuthenticateAsClient(""db.example"");
        }

        stream.Write(new byte[] { 1 }, 0, 1);
        {|TLS001:stream.Dispose()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_subclass_of_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class ExtendedSslStream : SslStream
{
    public ExtendedSslStream(Stream inner) : base(inner) { }
}

class Client
{
    void Send(TcpClient tcp)
    {
        using (var {|TLS001:ssl = new ExtendedSslStream(tcp.GetStream())|})
        {
            ssl.AuthenticateAsClient(""ftp.example"");
            ssl.Write(new byte[] { 1 }, 0, 1);
        }
    }
}", version);
    }
}
