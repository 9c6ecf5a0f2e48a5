using System.Collections.Generic;
using CloseNotify.CodeFixes.Conventions;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes.LinkedFiles
{
    /// <summary>
    /// Original lines [<see cref="OldStart"/>, <see cref="OldEnd"/>) of a file replaced by <see cref="NewLines"/> (each
    /// with its line break). Roslyn's own diff of two documents is syntactic and may report one change spanning a fix in
    /// an #if branch and an unrelated fix below it; a line diff keeps them apart, so that the same fix made by every
    /// target framework is the same hunk in each framework's copy.
    /// </summary>
    internal sealed class LineHunk
    {
        private LineHunk(int oldStart, int oldEnd, TextSpan span, IReadOnlyList<string> newLines)
        {
            OldStart = oldStart;
            OldEnd = oldEnd;
            Span = span;
            NewLines = newLines;
        }

        public int OldStart { get; }

        public int OldEnd { get; }

        /// <summary>The replaced lines' span in the original text.</summary>
        public TextSpan Span { get; }

        public IReadOnlyList<string> NewLines { get; }

        public bool IsInsertion => OldStart == OldEnd;

        public string NewText => string.Concat(NewLines);

        /// <summary>The hunks that turn <paramref name="original"/> into <paramref name="changed"/>. A run of k lines
        /// replaced by k lines is k one-line hunks: a line one framework changed stays apart from its neighbour that
        /// another framework changed too.</summary>
        public static List<LineHunk> Between(SourceText original, SourceText changed)
        {
            var diff = LineDiff.Between(original, changed);
            var hunks = new List<LineHunk>();
            foreach (var (oldStart, oldEnd, newStart, newEnd) in diff.Hunks())
            {
                if (oldEnd - oldStart == newEnd - newStart)
                {
                    for (var i = 0; i < oldEnd - oldStart; i++)
                    {
                        hunks.Add(Create(diff, original, oldStart + i, oldStart + i + 1, newStart + i, newStart + i + 1));
                    }
                }
                else
                {
                    hunks.Add(Create(diff, original, oldStart, oldEnd, newStart, newEnd));
                }
            }

            return hunks;
        }

        /// <summary>The same change (the same fix made by two target frameworks).</summary>
        public bool SameAs(LineHunk other) => OldStart == other.OldStart && OldEnd == other.OldEnd && NewText == other.NewText;

        /// <summary>Both insert at one place, and every line this one inserts <paramref name="other"/> inserts too, in
        /// the same order (one framework's fix added `using CloseNotify;`, another's that and `using System.Diagnostics;`).
        /// Not for replacements: two rewrites of one line are two different fixes, which the merge must not choose between.</summary>
        public bool WithinOf(LineHunk other)
        {
            if (!IsInsertion || !other.IsInsertion || OldStart != other.OldStart)
            {
                return false;
            }

            var j = 0;
            for (var i = 0; i < other.NewLines.Count && j < NewLines.Count; i++)
            {
                if (other.NewLines[i] == NewLines[j])
                {
                    j++;
                }
            }

            return j == NewLines.Count;
        }

        /// <summary>Two different hunks conflict when they replace a common line, when one inserts inside the lines the
        /// other replaces, or when both insert at the same place (which first would be a guess).</summary>
        public bool Overlaps(LineHunk other)
        {
            if (IsInsertion && other.IsInsertion)
            {
                return OldStart == other.OldStart;
            }

            if (IsInsertion || other.IsInsertion)
            {
                var insertion = IsInsertion ? this : other;
                var replacement = IsInsertion ? other : this;
                return insertion.OldStart > replacement.OldStart && insertion.OldStart < replacement.OldEnd;
            }

            return OldStart < other.OldEnd && other.OldStart < OldEnd;
        }

        private static LineHunk Create(LineDiff diff, SourceText original, int oldStart, int oldEnd, int newStart, int newEnd)
        {
            var lines = new List<string>(newEnd - newStart);
            for (var i = newStart; i < newEnd; i++)
            {
                lines.Add(diff.NewLine(i));
            }

            var span = TextSpan.FromBounds(diff.OldPosition(oldStart, original), diff.OldPosition(oldEnd, original));
            return new LineHunk(oldStart, oldEnd, span, lines);
        }
    }
}
