using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// Statements to insert before other statements, at the end of a body, or in place of a statement or an
    /// expression body. All edits for one document are gathered first and applied per anchor, so that Fix All can
    /// put several statements before the same <c>return</c> without duplicating its comment or wrapping it twice.
    /// </summary>
    internal sealed class StatementInsertion
    {
        private readonly Dictionary<StatementSyntax, List<StatementSyntax>> _before = new Dictionary<StatementSyntax, List<StatementSyntax>>();
        private readonly Dictionary<StatementSyntax, List<StatementSyntax>> _append = new Dictionary<StatementSyntax, List<StatementSyntax>>();
        private readonly Dictionary<StatementSyntax, List<StatementSyntax>> _replace = new Dictionary<StatementSyntax, List<StatementSyntax>>();
        private readonly Dictionary<SyntaxNode, SyntaxNode> _nodes = new Dictionary<SyntaxNode, SyntaxNode>();
        private readonly List<StatementSyntax> _topLevelEnd = new List<StatementSyntax>();
        private CompilationUnitSyntax? _unit;

        /// <summary>Can a statement be put right before <paramref name="statement"/>?</summary>
        public static bool CanInsertBefore(StatementSyntax statement) =>
            statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax || IsEmbedded(statement);

        public void Before(StatementSyntax anchor, StatementSyntax inserted) => Add(_before, anchor, inserted);

        /// <summary>As the last statement of a using statement's body (a non-block body gets wrapped).</summary>
        public void AtEndOf(StatementSyntax body, StatementSyntax appended) => Add(_append, body, appended);

        /// <summary>After the last top-level statement of the file (where a top-level using declaration ends).</summary>
        public void AtEndOfTopLevel(CompilationUnitSyntax unit, StatementSyntax appended)
        {
            _unit = unit;
            _topLevelEnd.Add(appended);
        }

        /// <summary>In place of <paramref name="anchor"/> (a disposal the inserted close now does).</summary>
        public bool Replace(StatementSyntax anchor, StatementSyntax replacement)
        {
            if (_replace.ContainsKey(anchor))
            {
                return false;
            }

            Add(_replace, anchor, replacement);
            return true;
        }

        /// <summary>Replaces a node outright: an expression body's expression, or a member whose expression body becomes a block.</summary>
        public bool ReplaceNode(SyntaxNode node, SyntaxNode replacement)
        {
            if (_nodes.ContainsKey(node))
            {
                return false;
            }

            _nodes.Add(node, replacement.WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }

        public void ApplyTo(DocumentEditor editor)
        {
            foreach (var pair in _nodes)
            {
                editor.ReplaceNode(pair.Key, pair.Value);
            }

            foreach (var pair in _replace)
            {
                var replacement = pair.Value[0].WithTriviaFrom(pair.Key).WithAdditionalAnnotations(Formatter.Annotation);
                editor.ReplaceNode(pair.Key, replacement);
            }

            foreach (var pair in _before)
            {
                InsertBefore(editor, pair.Key, pair.Value);
            }

            foreach (var pair in _append)
            {
                var appended = pair.Value.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToArray();
                editor.ReplaceNode(pair.Key, (current, _) => current is BlockSyntax block
                    ? block.AddStatements(appended)
                    : SyntaxFactory.Block(new[] { ((StatementSyntax)current).WithoutTrivia() }.Concat(appended))
                        .WithTriviaFrom(current)
                        .WithAdditionalAnnotations(Formatter.Annotation));
            }

            if (_unit != null && _unit.Members.OfType<GlobalStatementSyntax>().LastOrDefault() is { } last)
            {
                // Each appended statement ends its line the way the last one did; no blank line comes before it.
                editor.InsertAfter(last, _topLevelEnd.Select(s => SyntaxFactory.GlobalStatement(s.WithoutLeadingTrivia().WithTrailingTrivia(last.GetTrailingTrivia()))));
            }
        }

        private static void InsertBefore(DocumentEditor editor, StatementSyntax anchor, List<StatementSyntax> inserted)
        {
            var statements = inserted.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
            if (anchor.Parent is GlobalStatementSyntax global)
            {
                statements[0] = statements[0].WithLeadingTrivia(global.GetLeadingTrivia());
                editor.InsertBefore(global, statements.Select(s => SyntaxFactory.GlobalStatement(s)));
                editor.ReplaceNode(anchor, (current, _) => current.WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithAdditionalAnnotations(Formatter.Annotation));
                return;
            }

            if (anchor.Parent is BlockSyntax or SwitchSectionSyntax)
            {
                // The anchor's leading comment describes what follows it: keep it above the inserted lines.
                statements[0] = statements[0].WithLeadingTrivia(anchor.GetLeadingTrivia());
                editor.InsertBefore(anchor, statements);
                editor.ReplaceNode(anchor, (current, _) => current.WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithAdditionalAnnotations(Formatter.Annotation));
                return;
            }

            // An embedded statement (`if (bad) return;`) becomes a block holding the inserted lines and it.
            editor.ReplaceNode(anchor, (current, _) =>
                SyntaxFactory.Block(statements.Concat(new[] { ((StatementSyntax)current).WithoutTrivia() }))
                    .WithTriviaFrom(current)
                    .WithAdditionalAnnotations(Formatter.Annotation));
        }

        private static void Add(Dictionary<StatementSyntax, List<StatementSyntax>> into, StatementSyntax anchor, StatementSyntax statement)
        {
            if (!into.TryGetValue(anchor, out var list))
            {
                into.Add(anchor, list = new List<StatementSyntax>());
            }

            list.Add(statement);
        }

        private static bool IsEmbedded(StatementSyntax statement) =>
            statement is not LocalDeclarationStatementSyntax
            && statement.Parent is IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax or DoStatementSyntax
                or ForStatementSyntax or ForEachStatementSyntax or UsingStatementSyntax or LockStatementSyntax
                or FixedStatementSyntax or LabeledStatementSyntax;
    }
}
