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
            foreach (var (oldIndex, oldEnd, newIndex, newEnd) in Hunks())
            {
                var newLine = oldIndex > 0 ? _old[oldIndex - 1].Break : oldEnd < _old.Count ? _old[oldEnd].Break : "";
                if (newLine.Length == 0)
                {
                    newLine = conventions.NewLine;
                }

                var text = string.Concat(Enumerable.Range(newIndex, newEnd - newIndex).Select(i =>
                    _new[i].Content + (_new[i].Break.Length == 0 ? "" : newLine)));
                changes.Add(new TextChange(TextSpan.FromBounds(OldPosition(oldIndex, original), OldPosition(oldEnd, original)), text));
            }

            // Built on the original text, so that Document.GetTextChangesAsync (and the linked-file merge of a
            // multi-targeted project in dotnet format) sees these line changes, not a rewrite of the whole file.
            return original.WithChanges(changes);
        }

        /// <summary>Each run of changed lines: original lines [OldStart, OldEnd) became changed lines [NewStart, NewEnd).</summary>
        public IEnumerable<(int OldStart, int OldEnd, int NewStart, int NewEnd)> Hunks()
        {
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

                var newEnd = newIndex;
                while (newEnd < _new.Count && _match[newEnd] < 0)
                {
                    newEnd++;
                }

                var oldEnd = newEnd < _new.Count ? _match[newEnd] : _old.Count;
                yield return (oldIndex, oldEnd, newIndex, newEnd);
                oldIndex = oldEnd;
                newIndex = newEnd;
            }
        }

        /// <summary>The changed text's line <paramref name="index"/> as written there, its line break included.</summary>
        public string NewLine(int index) => _new[index].Content + _new[index].Break;

        /// <summary>Where original line <paramref name="index"/> starts (the end of the text past the last line).</summary>
        public int OldPosition(int index, SourceText original) => index < _old.Count ? _old[index].Start : original.Length;

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
