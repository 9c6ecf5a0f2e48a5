// The catch of the benign close errors, as every fix writes it without the runtime: one filter, explained by one
// sentence, whichever rule's fix wrote it (a file fixed by TLS001 and TLS002 reads the same catch twice, not two texts).
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class BenignCatchTests
    {
        private static readonly Regex BenignCatch = new Regex(@"catch \(Exception ex\) when \((?<filter>[^{]*)\)\n\s*\{\n\s*(?<comment>//[^\n]*)\n\s*\}");

        private const string Source = RuleCases.Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        ssl.Dispose();
        tcp.Close();
    }

    void Close(SslStream ssl)
    {
        _ = ssl.ShutdownAsync();
        ssl.Dispose();
    }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_same_benign_filter_gets_the_same_one_comment_from_TLS001_and_TLS002(LanguageVersion version)
        {
            var byTls001 = await DotnetFormatRun.FixAsync<DisposedWithoutCloseNotifyAnalyzer, DisposedWithoutCloseNotifyFixer>(Source, version, withRuntime: false);
            var byTls002 = await DotnetFormatRun.FixAsync<SingleShotShutdownAnalyzer, SingleShotShutdownFixer>(Source, version, withRuntime: false);
            var catches = BenignCatch.Matches(byTls001.Replace("\r\n", "\n")).Cast<Match>()
                .Concat(BenignCatch.Matches(byTls002.Replace("\r\n", "\n")).Cast<Match>())
                .ToList();

            Assert.Equal(2, catches.Count);
            // A long filter is broken over lines indented from its catch: the same filter whatever the catch's depth.
            Assert.Equal(Flat(catches[0].Groups["filter"].Value), Flat(catches[1].Groups["filter"].Value));
            Assert.Single(catches.Select(c => c.Groups["comment"].Value).Distinct());
        }

        private static string Flat(string filter) => Regex.Replace(filter, @"\s+", " ");
    }
}
