using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>
    /// Breaks a catch filter the fix wrote (the BCL benign filter: <c>e is IOException || e is ObjectDisposedException ||
    /// e.InnerException is … || ((…) &amp;&amp; !ssl.CanWrite)</c>, up to ~230 columns) over lines where its line would be longer
    /// than every line the file has and than <see cref="Columns"/>: a file that keeps its lines short would not take the
    /// longest line of the file from a fix, and a file that has longer lines already is left as it writes. The break goes
    /// before the <c>||</c> that starts another tested value (the exception, its inner exception, the no-session clause),
    /// so each line tests one thing; the lines after the first are one indentation level deeper than the catch.
    /// </summary>
    internal static class LongFilters
    {
        /// <summary>The width under which a filter line is never broken, whatever the file's own lines.</summary>
        public const int Columns = 160;

        public static async Task<Document> WrapAsync(Document original, Document changed, FileConventions conventions, CancellationToken cancellationToken)
        {
            var originalText = await original.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var text = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var root = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || !root.DescendantNodes().OfType<CatchFilterClauseSyntax>().Any())
            {
                return changed;
            }

            var limit = Math.Max(Columns, originalText.Lines.Select(l => Width(originalText.ToString(l.Span), conventions.TabSize)).DefaultIfEmpty(0).Max());
            var newLines = LineDiff.Between(originalText, text).NewLines();
            var unit = conventions.UseTabs ? "\t" : new string(' ', conventions.IndentSize);
            var changes = new List<TextChange>();
            foreach (var filter in root.DescendantNodes().OfType<CatchFilterClauseSyntax>())
            {
                var line = text.Lines.GetLineFromPosition(filter.SpanStart);
                var content = text.ToString(line.Span);
                if (!newLines.Contains(line.LineNumber) || text.Lines.GetLineFromPosition(filter.Span.End).LineNumber != line.LineNumber
                    || Width(content, conventions.TabSize) <= limit)
                {
                    continue;
                }

                var operands = Operands(filter.FilterExpression);
                var indent = content.Substring(0, content.Length - content.TrimStart().Length) + unit;
                for (var i = 1; i < operands.Count; i++)
                {
                    var subject = Subject(operands[i]);
                    if (subject != null && subject == Subject(operands[i - 1]))
                    {
                        continue;
                    }

                    var or = operands[i].GetFirstToken().GetPreviousToken();
                    changes.Add(new TextChange(TextSpan.FromBounds(or.GetPreviousToken().Span.End, or.SpanStart), conventions.NewLine + indent));
                }
            }

            return changes.Count == 0 ? changed : changed.WithText(text.WithChanges(changes));
        }

        /// <summary>The operands of a chain of <c>||</c> (left-folded, as the parser reads it), in order.</summary>
        private static List<ExpressionSyntax> Operands(ExpressionSyntax expression)
        {
            var operands = new List<ExpressionSyntax>();
            while (expression is BinaryExpressionSyntax binary && binary.IsKind(SyntaxKind.LogicalOrExpression))
            {
                operands.Add(binary.Right);
                expression = binary.Left;
            }

            operands.Add(expression);
            operands.Reverse();
            return operands;
        }

        /// <summary>The value an <c>x is T</c> operand tests; null for any other operand (a line of its own).</summary>
        private static string? Subject(ExpressionSyntax operand) =>
            operand is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.IsExpression } test ? test.Left.WithoutTrivia().ToString() : null;

        /// <summary>The columns a line takes, tabs to the next tab stop.</summary>
        private static int Width(string line, int tabSize)
        {
            var column = 0;
            foreach (var c in line)
            {
                column = c == '\t' ? (column / tabSize + 1) * tabSize : column + 1;
            }

            return column;
        }
    }
}
