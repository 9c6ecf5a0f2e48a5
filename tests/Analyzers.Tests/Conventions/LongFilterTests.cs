// A catch filter a fix writes (the BCL benign filter, up to ~230 columns) is broken over lines where its line would be
// longer than every line of the file and than 160 columns: before each || that tests another value, the lines after the
// first one level deeper than the catch, in the file's indentation (issue 25, the judges' style remark).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class LongFilterTests
    {
        private const string Usings = "using System;\nusing System.IO;\nusing System.Net.Security;\nusing System.Threading.Tasks;\n";

        private const string BclUsings = "using System;\nusing System.IO;\nusing System.Net.Security;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n";

        private static string Client(string catchClause, string extraMember = "") =>
            "\nclass Client\n{\n\tSslStream _ssl;\n" + extraMember + "\n\tvoid Stop()\n\t{\n\t\ttry\n\t\t{\n\t\t\t_ssl.ShutdownAsync().Wait();\n\t\t}\n\t\t" + catchClause + "\n\t\t{\n\t\t}\n\t}\n}\n";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_filter_longer_than_the_files_lines_is_broken_before_each_tested_value_in_the_files_indentation(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("{|TLS003:catch|}"),
                BclUsings + Client("catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException"
                    + "\n\t\t\t|| ex.InnerException is IOException || ex.InnerException is ObjectDisposedException"
                    + "\n\t\t\t|| ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))"),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_file_that_has_longer_lines_keeps_the_filter_on_one_line(LanguageVersion version)
        {
            var longLine = "\t// " + new string('x', 300) + "\n";
            return Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("{|TLS003:catch|}", longLine),
                BclUsings + Client("catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex.InnerException is IOException"
                    + " || ex.InnerException is ObjectDisposedException || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))", longLine),
                SwallowedCloseErrorFixer.DefaultKey, version);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_filter_of_160_columns_or_less_stays_on_one_line(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("{|TLS003:catch (AggregateException)|}"),
                Usings + Client("catch (AggregateException ex) when (ex.InnerException is IOException || ex.InnerException is ObjectDisposedException)"),
                SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
