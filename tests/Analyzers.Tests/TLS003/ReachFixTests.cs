// The TLS003 fix on what the rule reports at the end of the compilation (a close a call down, a pipe over a stream
// returned as Task<Stream>) and on a read loop whose catch only logs through [Conditional] methods: the default key
// applies there as it does on a local diagnostic (Fix All, dotnet format).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class ReachFixTests
    {
        private const string Client = @"
sealed class MailClient
{
    private SslStream _ssl;

    public void Connect(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""mail.example"");
    }

    public void Disconnect()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.Dispose();
    }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Default_fix_filters_a_catch_around_a_call_that_closes_a_call_down(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Client + @"
sealed class Service
{
    private readonly MailClient _client = new MailClient();

    public void Stop()
    {
        try { _client.Disconnect(); }
        {|TLS003:catch|} { }
    }
}", UsingsWithRuntime + Client + @"
sealed class Service
{
    private readonly MailClient _client = new MailClient();

    public void Stop()
    {
        try { _client.Disconnect(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex)) { }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Default_fix_rethrows_from_a_read_loop_whose_catch_only_logs_through_Debug(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Downloader
{
    void Download(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = ssl.Read(buffer, 0, buffer.Length);
            }
            {|TLS003:catch (IOException ex)|}
            {
                System.Diagnostics.Debug.WriteLine(ex);
                break;
            }

            if (read == 0)
                break;
            file.Write(buffer, 0, read);
        }
    }
}", Usings + @"
class Downloader
{
    void Download(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = ssl.Read(buffer, 0, buffer.Length);
            }
            catch (IOException ex)
            {
                throw;
            }

            if (read == 0)
                break;
            file.Write(buffer, 0, read);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
