// Line breaks and indentation: the fix's lines take the file's, and every other byte of the file stays as it was.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class LineEndingTests
    {
        [Theory]
        [MemberData(nameof(RuleCases.Ids), MemberType = typeof(RuleCases))]
        public async Task The_fix_of_a_CRLF_file_is_CRLF_and_touches_no_other_line(string id, LanguageVersion version)
        {
            var (source, fixedSource) = RuleCases.File(id);
            var actual = await RuleCases.FixAsync(id, Crlf(source), version);
            AssertBytes(Crlf(fixedSource), actual);
        }

        [Theory]
        [MemberData(nameof(RuleCases.Ids), MemberType = typeof(RuleCases))]
        public async Task The_fix_of_an_LF_file_is_LF_even_where_editorconfig_says_crlf(string id, LanguageVersion version)
        {
            // Git wrote the working tree with LF: CRLF lines in it would be a mixed file (measured on FluentFTP).
            var (source, fixedSource) = RuleCases.File(id);
            var actual = await RuleCases.FixAsync(id, source, version, "end_of_line = crlf\n");
            AssertBytes(fixedSource, actual);
        }

        [Theory]
        [MemberData(nameof(RuleCases.Ids), MemberType = typeof(RuleCases))]
        public async Task The_fix_of_a_tab_indented_file_is_indented_with_tabs(string id, LanguageVersion version)
        {
            var (source, fixedSource) = RuleCases.File(id);
            var actual = await RuleCases.FixAsync(id, Crlf(Tabs(source)), version);
            AssertBytes(Crlf(Tabs(fixedSource)), actual);
        }

        [Theory]
        [MemberData(nameof(RuleCases.Ids), MemberType = typeof(RuleCases))]
        public async Task The_fix_of_a_file_indented_by_two_spaces_is_indented_by_two(string id, LanguageVersion version)
        {
            var (source, fixedSource) = RuleCases.File(id);
            var actual = await RuleCases.FixAsync(id, TwoSpaces(source), version);
            AssertBytes(TwoSpaces(fixedSource), actual);
        }

        // A file with both endings (a CRLF file where someone pasted LF lines): the new lines take the ending of the line
        // before them, and no other line gains or loses a CR.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task In_a_mixed_file_new_lines_take_the_ending_of_their_neighbours(LanguageVersion version)
        {
            var (source, fixedSource) = RuleCases.File("TLS001");
            var mixed = Crlf(source).Replace("// done\r\n", "// done\n").Replace("ssl.Dispose();\r\n", "ssl.Dispose();\n");
            var actual = await RuleCases.FixAsync("TLS001", mixed, version);
            var expected = Crlf(fixedSource);
            var from = expected.IndexOf("// done", System.StringComparison.Ordinal);
            var to = expected.IndexOf("ssl.Dispose();", System.StringComparison.Ordinal) + "ssl.Dispose();\r\n".Length;
            expected = expected.Substring(0, from) + expected.Substring(from, to - from).Replace("\r\n", "\n") + expected.Substring(to);
            AssertBytes(expected, actual);
        }

        internal static string Crlf(string text) => text.Replace("\r\n", "\n").Replace("\n", "\r\n");

        /// <summary>Each 4 leading spaces become a tab.</summary>
        internal static string Tabs(string text) => Reindent(text, level => new string('\t', level));

        internal static string TwoSpaces(string text) => Reindent(text, level => new string(' ', 2 * level));

        internal static void AssertBytes(string expected, string actual) =>
            Assert.Equal(Visible(expected), Visible(actual));

        private static string Visible(string text) => text.Replace("\r", "␍").Replace("\t", "→");

        private static string Reindent(string text, System.Func<int, string> indent)
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var trimmed = lines[i].TrimStart(' ');
                var spaces = lines[i].Length - trimmed.Length;
                lines[i] = indent(spaces / 4) + new string(' ', spaces % 4) + trimmed;
            }

            return string.Join("\n", lines);
        }
    }
}
