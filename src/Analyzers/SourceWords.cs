using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Ordinal searches of source text, for the gates that decide whether a compilation or a member is worth reading.
    /// A member that calls a method spells its name, so a text test rejects the rest before the driver hands over a
    /// single operation (a name spelled with Unicode escapes is not found: no real code does that).
    /// </summary>
    internal static class SourceWords
    {
        private const int ChunkLength = 4096;

        [ThreadStatic]
        private static char[]? buffer;

        /// <summary>Whether the text of <paramref name="node"/> (its full declaration, for a member) holds <paramref name="word"/>.</summary>
        public static bool Mentions(SyntaxNode node, string word, CancellationToken cancellationToken) =>
            Contains(node.SyntaxTree.GetText(cancellationToken), node.Span, word);

        /// <summary>Searches the span in chunks (no copy of the whole file); chunks overlap by the word's length.</summary>
        public static bool Contains(SourceText text, TextSpan span, string word) => Contains(text, span, word, buffer ??= new char[ChunkLength]);

        /// <summary>The same, through a given buffer (tests use a small one to cross chunk ends).</summary>
        internal static bool Contains(SourceText text, TextSpan span, string word, char[] chunk)
        {
            var end = Math.Min(span.End, text.Length);
            for (var start = span.Start; start < end; start += chunk.Length - word.Length)
            {
                var count = Math.Min(chunk.Length, end - start);
                if (count < word.Length)
                {
                    break;
                }

                text.CopyTo(start, chunk, 0, count);
                if (new ReadOnlySpan<char>(chunk, 0, count).IndexOf(word.AsSpan()) >= 0)
                {
                    return true;
                }

                if (start + count >= end)
                {
                    break;
                }
            }

            return false;
        }
    }
}
