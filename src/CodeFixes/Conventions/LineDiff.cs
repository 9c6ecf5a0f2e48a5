using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>
    /// The lines a fix changed, found by comparing the fixed text with the original line by line (Myers' O(ND)
    /// difference, on the lines' content without their line breaks). What is not the fix's stays byte for byte: a line
    /// whose content is unchanged keeps its own line break, and each new line takes the line break of the original line
    /// beside it, so a CRLF file gets CRLF lines (and a mixed file the ending of the place it is written in).
    /// </summary>
    internal sealed class LineDiff
    {
        private readonly IReadOnlyList<Line> _old;
        private readonly IReadOnlyList<Line> _new;

        // For each new line, the index of the original line it is (same content), or -1 for a line of the fix.
        private readonly int[] _match;

        private LineDiff(SourceText original, SourceText changed)
        {
            _old = Lines(original);
            _new = Lines(changed);
            _match = Match(_old.Select(l => l.Key).ToList(), _new.Select(l => l.Key).ToList());
        }

        public static LineDiff Between(SourceText original, SourceText changed) => new LineDiff(original, changed);

        /// <summary>The lines of the changed text that are the fix's own (not in the original text at all: a line only
        /// moved elsewhere is the author's).</summary>
        public ISet<int> NewLines()
        {
            var existing = new HashSet<string>(_old.Select(l => l.Content.Trim()));
            var lines = new HashSet<int>();
            for (var i = 0; i < _new.Count; i++)
            {
                if (_match[i] < 0 && !existing.Contains(_new[i].Content.Trim()))
                {
                    lines.Add(i);
                }
            }

            return lines;
        }

        /// <summary>The original text with only the fix's lines changed: unchanged lines keep their line breaks; new lines
        /// take the line break of the original line before them (after them at the start of the file, the file's own when
        /// it has a single line).</summary>
        public SourceText Restore(SourceText original, FileConventions conventions)
        {
            var changes = new List<TextChange>();
            var oldIndex = 0;
            var newIndex = 0;
            while (newIndex < _new.Count || oldIndex < _old.Count)
            {
                if (newIndex < _new.Count && _match[newIndex] == oldIndex)
                {
                    oldIndex++;
                    newIndex++;
                    continue;
                }

                // A hunk: original lines [oldIndex, oldEnd) become new lines [newIndex, newEnd).
                var newEnd = newIndex;
                while (newEnd < _new.Count && _match[newEnd] < 0)
                {
                    newEnd++;
                }

                var oldEnd = newEnd < _new.Count ? _match[newEnd] : _old.Count;
                var newLine = oldIndex > 0 ? _old[oldIndex - 1].Break : oldEnd < _old.Count ? _old[oldEnd].Break : "";
                if (newLine.Length == 0)
                {
                    newLine = conventions.NewLine;
                }

                var text = string.Concat(Enumerable.Range(newIndex, newEnd - newIndex).Select(i =>
                    _new[i].Content + (_new[i].Break.Length == 0 ? "" : newLine)));
                var start = oldIndex < _old.Count ? _old[oldIndex].Start : original.Length;
                var end = oldEnd < _old.Count ? _old[oldEnd].Start : original.Length;
                changes.Add(new TextChange(TextSpan.FromBounds(start, end), text));
                oldIndex = oldEnd;
                newIndex = newEnd;
            }

            // Built on the original text, so that Document.GetTextChangesAsync (and the linked-file merge of a
            // multi-targeted project in dotnet format) sees these line changes, not a rewrite of the whole file.
            return original.WithChanges(changes);
        }

        private static IReadOnlyList<Line> Lines(SourceText text)
        {
            var lines = new List<Line>(text.Lines.Count);
            foreach (var line in text.Lines)
            {
                var content = text.ToString(line.Span);
                var lineBreak = text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
                if (content.Length == 0 && lineBreak.Length == 0 && line.Start == text.Length && lines.Count > 0)
                {
                    // The empty "line" after a final line break is no line.
                    break;
                }

                lines.Add(new Line(line.Start, content, lineBreak));
            }

            return lines;
        }

        /// <summary>For each line of <paramref name="b"/>, the line of <paramref name="a"/> it is matched with in a
        /// longest common subsequence, or -1.</summary>
        private static int[] Match(IReadOnlyList<string> a, IReadOnlyList<string> b)
        {
            var match = Enumerable.Repeat(-1, b.Count).ToArray();
            var prefix = 0;
            while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix])
            {
                match[prefix] = prefix;
                prefix++;
            }

            var suffix = 0;
            while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix])
            {
                match[b.Count - 1 - suffix] = a.Count - 1 - suffix;
                suffix++;
            }

            foreach (var (x, y) in Myers(a, b, prefix, a.Count - suffix, prefix, b.Count - suffix))
            {
                match[y] = x;
            }

            return match;
        }

        /// <summary>The matched pairs of a shortest edit script between a[aStart, aEnd) and b[bStart, bEnd) (Myers 1986).
        /// Each round keeps only the diagonals it reached, so the memory is O(D²) for D changed lines.</summary>
        private static IEnumerable<(int X, int Y)> Myers(IReadOnlyList<string> a, IReadOnlyList<string> b, int aStart, int aEnd, int bStart, int bEnd)
        {
            int n = aEnd - aStart, m = bEnd - bStart;
            if (n == 0 || m == 0)
            {
                return Enumerable.Empty<(int, int)>();
            }

            var max = n + m;
            var v = new int[2 * max + 2];
            var trace = new List<int[]>();
            for (var d = 0; d <= max; d++)
            {
                var round = new int[2 * d + 1];
                for (var k = -d; k <= d; k += 2)
                {
                    var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                    var y = x - k;
                    while (x < n && y < m && a[aStart + x] == b[bStart + y])
                    {
                        x++;
                        y++;
                    }

                    v[max + k] = x;
                    round[k + d] = x;
                    if (x >= n && y >= m)
                    {
                        trace.Add(round);
                        return Backtrack(trace, n, m, aStart, bStart);
                    }
                }

                trace.Add(round);
            }

            return Enumerable.Empty<(int, int)>();
        }

        private static IEnumerable<(int X, int Y)> Backtrack(List<int[]> trace, int n, int m, int aStart, int bStart)
        {
            var pairs = new List<(int, int)>();
            int x = n, y = m;
            for (var d = trace.Count - 1; d > 0; d--)
            {
                var previous = trace[d - 1];
                int At(int k) => previous[k + d - 1];
                var k = x - y;
                var prevK = k == -d || (k != d && At(k - 1) < At(k + 1)) ? k + 1 : k - 1;
                var prevX = At(prevK);
                var prevY = prevX - prevK;
                while (x > prevX && y > prevY)
                {
                    x--;
                    y--;
                    pairs.Add((aStart + x, bStart + y));
                }

                x = prevX;
                y = prevY;
            }

            while (x > 0 && y > 0)
            {
                x--;
                y--;
                pairs.Add((aStart + x, bStart + y));
            }

            return pairs;
        }

        private readonly struct Line
        {
            public Line(int start, string content, string lineBreak)
            {
                Start = start;
                Content = content;
                Break = lineBreak;
            }

            public int Start { get; }

            public string Content { get; }

            public string Break { get; }

            /// <summary>What lines are compared on: the content, and whether a line break ends it at all (a last line
            /// without one is not the same line once something is written after it).</summary>
            public string Key => Break.Length == 0 ? Content + "\0" : Content;
        }
    }
}
