// TLS003, reported: broad catches around a close, and read loops that take an error for the end of data.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class DiagnosticsTests
    {
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_empty_catch_all_around_ShutdownAsync(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|#0:catch|}
        {
            /* ignored */
        }
    }
}", version, Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("catch", "'ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_Exception_around_Dispose_of_a_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            ssl.Dispose();
        }
        {|TLS003:catch (Exception)|}
        {
            // best effort
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SystemException_with_only_return_around_Close_of_a_Stream_field(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Driver
{
    private Stream _stream;

    public void Connect(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""pg.example"");
        _stream = ssl;
    }

    public bool Close()
    {
        try
        {
            _stream.Close();
        }
        {|TLS003:catch (SystemException)|}
        {
            return false;
        }

        return true;
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_drain_after_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        await ssl.ShutdownAsync();
        var buffer = new byte[1024];
        while (true)
        {
            try
            {
                if (await ssl.ReadAsync(buffer, 0, buffer.Length) == 0)
                    break;
            }
            {|TLS003:catch (Exception)|}
            {
                break;
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_SSL_shutdown_and_AggregateException_around_Wait(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Native
{
    [DllImport(""libssl.so.3"", EntryPoint = ""SSL_shutdown"")]
    public static extern int Shutdown(IntPtr ssl);
}

class Connection
{
    void Close(IntPtr ssl)
    {
        try { Native.Shutdown(ssl); }
        {|TLS003:catch|} { }
    }

    void Close(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        {|TLS003:catch (AggregateException)|} { }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_runtime_close_and_around_using_of_a_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        try { await TlsClose.GracefulAsync(ssl); }
        {|TLS003:catch (Exception)|} { }
    }

    void Send(TcpClient tcp)
    {
        try
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                ssl.AuthenticateAsClient(""db.example"");
                ssl.ShutdownAsync().Wait();
            }
        }
        {|TLS003:catch|}
        {
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_IOException_swallowed_around_a_read_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Downloader
{
    long Download(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        long total = 0;
        try
        {
            int read;
            while ((read = ssl.Read(buffer, 0, buffer.Length)) > 0)
            {
                file.Write(buffer, 0, read);
                total += read;
            }
        }
        {|#0:catch (IOException)|}
        {
        }

        return total;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadError).WithLocation(0).WithArguments("IOException", "'ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_IOException_breaking_out_of_a_read_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Downloader
{
    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            {|#0:catch (IOException)|}
            {
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadError).WithLocation(0).WithArguments("IOException", "'ssl'"));
    }
}
