// TLS004, reported: the transport under a used SslStream is closed before the SslStream was shut down or disposed.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class DiagnosticsTests
    {
        internal const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
";

        // The most common shape: the SslStream is never disposed at all, the client is closed under it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_TcpClient_closed_under_a_never_disposed_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(string host, byte[] data)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(host, 443);
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(host);
        await ssl.WriteAsync(data, 0, data.Length);
        {|TLS004:tcp.Close()|};
    }
}", version);

        // One finding, one report: once the socket is shut down, the closes after it add nothing.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_first_of_several_transport_closes_once(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(Socket socket, byte[] data)
    {
        var network = new NetworkStream(socket, ownsSocket: false);
        var ssl = new SslStream(network, leaveInnerStreamOpen: true);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        {|TLS004:socket.Shutdown(SocketShutdown.Both)|};
        network.Dispose();
        socket.Close();
        ssl.Dispose();
    }

    void Stop(Socket socket, System.Security.Cryptography.X509Certificates.X509Certificate certificate, bool quick)
    {
        var ssl = new SslStream(new NetworkStream(socket), false);
        ssl.AuthenticateAsServer(certificate);
        if (quick)
        {
            {|TLS004:socket.Close()|};
            return;
        }

        {|TLS004:socket.Shutdown(SocketShutdown.Send)|};
        socket.Dispose();
    }
}", version);

        // leaveInnerStreamOpen: true, both disposed, in the wrong order; and inside a using of the SslStream.
        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_inner_stream_closed_first(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task RunAsync(Stream inner)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions());
        {|TLS004:await inner.DisposeAsync()|};
        await ssl.DisposeAsync();
    }

    void Run(TcpClient tcp)
    {
        using var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        {|TLS004:tcp.Client.Close()|};
    }
}", version);

        // One branch disposes the SslStream first, the other does not.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_the_path_that_skips_the_TLS_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task RunAsync(TcpClient tcp, bool graceful)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        if (graceful)
        {
            await ssl.ShutdownAsync();
            ssl.Dispose();
        }

        {|TLS004:tcp.Dispose()|};
    }
}", version);

        // A finally after a normal run: the SslStream was used and is still open there.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_transport_closed_in_a_finally(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private TcpClient _tcp;

    async Task<int> QueryAsync(byte[] buffer)
    {
        try
        {
            var ssl = new SslStream(_tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(""db.example"");
            return await ssl.ReadAsync(buffer, 0, buffer.Length);
        }
        finally
        {
            {|TLS004:_tcp?.Close()|};
        }
    }
}", version);
    
        // The transport's using ends its scope with the TLS stream still open (no fix: nowhere to put the close before it).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_transport_disposed_at_the_end_of_its_using(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(string host, byte[] data)
    {
        using (var {|TLS004:tcp = new TcpClient(host, 443)|})
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(host);
            ssl.Write(data, 0, data.Length);
        }
    }
}", version);
    }
}
