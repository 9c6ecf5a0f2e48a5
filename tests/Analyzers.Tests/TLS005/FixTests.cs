// TLS005 fix: the write moves before the shutdown; no fix where it cannot move.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Fixer = CloseNotify.CodeFixes.WriteAfterShutdownFixer;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.WriteAfterShutdownAnalyzer, CloseNotify.CodeFixes.WriteAfterShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS005
{
    public class FixTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Moves_the_write_before_the_shutdown(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task QuitAsync(SslStream ssl, byte[] quit)
    {
        // Say goodbye, then close.
        await ssl.ShutdownAsync();
        {|TLS005:await ssl.WriteAsync(quit, 0, quit.Length)|};
        ssl.Dispose();
    }
}", Usings + @"
class Client
{
    async Task QuitAsync(SslStream ssl, byte[] quit)
    {
        // Say goodbye, then close.
        await ssl.WriteAsync(quit, 0, quit.Length);
        await ssl.ShutdownAsync();
        ssl.Dispose();
    }
}", Fixer.MoveKey, version);

        // Fix All: both writes move, in their order, before the same shutdown.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Moves_every_write_in_order(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Quit(SslStream ssl, byte[] a, byte[] b)
    {
        ssl.ShutdownAsync().Wait();
        {|TLS005:ssl.Write(a, 0, a.Length)|};
        {|TLS005:ssl.Write(b, 0, b.Length)|};
    }
}", Usings + @"
class Client
{
    void Quit(SslStream ssl, byte[] a, byte[] b)
    {
        ssl.Write(a, 0, a.Length);
        ssl.Write(b, 0, b.Length);
        ssl.ShutdownAsync().Wait();
    }
}", Fixer.MoveKey, version);

        // The data is made after the shutdown: moving the write would use it before it exists.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Offers_no_fix_when_the_write_is_fed_after_the_shutdown(LanguageVersion version)
        {
            var source = Usings + @"
class Client
{
    async Task QuitAsync(SslStream ssl)
    {
        await ssl.ShutdownAsync();
        var bye = new byte[] { 1 };
        {|TLS005:await ssl.WriteAsync(bye, 0, bye.Length)|};
    }
}";
            return Verify.CodeFixAsync(source, source, Fixer.MoveKey, version);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Offers_no_fix_for_a_write_in_another_block(LanguageVersion version)
        {
            var source = Usings + @"
class Client
{
    async Task QuitAsync(SslStream ssl, bool bye, byte[] data)
    {
        await ssl.ShutdownAsync();
        if (bye)
        {
            {|TLS005:ssl.Write(data, 0, data.Length)|};
        }
    }
}";
            return Verify.CodeFixAsync(source, source, Fixer.MoveKey, version);
        }
    }
}
