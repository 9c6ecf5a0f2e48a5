// The line merge of a linked file's copies (one per target framework) that every Fix All runs before Roslyn's own.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.CodeFixes.LinkedFiles;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class LinkedDocumentMergeTests
    {
        private const string Base = "a\nb\nc\nd\ne\nf\ng\n";

        [Fact]
        public async Task Each_copys_own_changes_and_the_changes_all_made_alike_end_in_every_copy()
        {
            var merged = await MergeAsync(Base, "a\nB0\nc\nd\ne\nf\nshared\ng\n", "a\nb\nc\nD1\ne\nf\nshared\ng\n", "a\nb\nc\nd\ne\nf\nshared\ng\n");

            Assert.Equal(new[] { "a\nB0\nc\nD1\ne\nf\nshared\ng\n" }, merged);
        }

        [Fact]
        public async Task A_crlf_file_keeps_its_line_breaks()
        {
            var crlf = Base.Replace("\n", "\r\n");
            var merged = await MergeAsync(crlf, crlf.Replace("b\r\n", "B0\r\n"), crlf.Replace("f\r\n", "f\r\nadded\r\n"));

            Assert.Equal(new[] { "a\r\nB0\r\nc\r\nd\r\ne\r\nf\r\nadded\r\ng\r\n" }, merged);
        }

        [Fact]
        public async Task Two_rewrites_of_one_line_are_left_to_roslyn()
        {
            var merged = await MergeAsync(Base, Base.Replace("c\n", "X\n"), Base.Replace("c\n", "Y\n"));

            Assert.Equal(new[] { Base.Replace("c\n", "X\n"), Base.Replace("c\n", "Y\n") }, merged);
        }

        [Fact]
        public async Task An_insertion_another_copy_makes_with_more_lines_is_taken_once()
        {
            var merged = await MergeAsync(Base, "using b;\n" + Base, "using a;\nusing b;\n" + Base);

            Assert.Equal(new[] { "using a;\nusing b;\n" + Base }, merged);
        }

        [Fact]
        public async Task Lines_changed_one_for_one_merge_line_by_line()
        {
            // One copy rewrote c and d, another only d the same way: two one-line changes, not one two-line change.
            var merged = await MergeAsync(Base, Base.Replace("c\nd\n", "C\nD\n"), Base.Replace("d\n", "D\n"));

            Assert.Equal(new[] { Base.Replace("c\nd\n", "C\nD\n") }, merged);
        }

        /// <summary>The distinct texts of the copies after the merge: one copy per entry of <paramref name="copies"/>,
        /// all loaded from <paramref name="original"/>.</summary>
        private static async Task<IReadOnlyList<string>> MergeAsync(string original, params string[] copies)
        {
            var workspace = new AdhocWorkspace();
            var solution = workspace.CurrentSolution;
            var ids = new List<DocumentId>();
            for (var i = 0; i < copies.Length; i++)
            {
                var project = solution.AddProject($"Shared({i})", "Shared", LanguageNames.CSharp);
                var document = project.AddDocument("Shared.cs", SourceText.From(original), filePath: "/0/Shared.cs");
                ids.Add(document.Id);
                solution = document.Project.Solution;
            }

            var changed = solution;
            for (var i = 0; i < copies.Length; i++)
            {
                changed = changed.WithDocumentText(ids[i], SourceText.From(copies[i]));
            }

            var merged = await LinkedDocumentMerge.MergeAsync(solution, changed, CancellationToken.None);
            var texts = new List<string>();
            foreach (var id in ids)
            {
                texts.Add((await merged.GetDocument(id)!.GetTextAsync()).ToString());
            }

            return texts.Distinct().ToList();
        }
    }
}
