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
        private readonly Dictionary<ReturnStatementSyntax, string> _hoisted = new Dictionary<ReturnStatementSyntax, string>();
        private readonly HashSet<StatementSyntax> _removed = new HashSet<StatementSyntax>();
        private readonly HashSet<(SyntaxNode Member, string Name)> _names = new HashSet<(SyntaxNode Member, string Name)>();
        private readonly List<(string Origin, StatementSyntax Anchor)> _closed = new List<(string Origin, StatementSyntax Anchor)>();
        private readonly List<StatementSyntax> _topLevelEnd = new List<StatementSyntax>();
        private CompilationUnitSyntax? _unit;

        /// <summary>A name for a local or catch variable the fix introduces at <paramref name="at"/>: free there, and not
        /// given yet by another close planned into the same member (Fix All puts several there).</summary>
        public string FreshName(SemanticModel model, SyntaxNode at, string baseName, bool scopedToCatch = false)
        {
            if (scopedToCatch)
            {
                // A catch variable's scope is its catch: sibling closes may all use the same name.
                return FreshNames.Unique(model, at, baseName);
            }

            var member = at.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)at.SyntaxTree.GetRoot();
            for (var i = 0; ; i++)
            {
                var candidate = i == 0 ? baseName : baseName + i;
                if (FreshNames.Unique(model, at, candidate) == candidate && _names.Add((member, candidate)))
                {
                    return candidate;
                }
            }
        }

        /// <summary>Whether a close planned before already closes the stream of <paramref name="origin"/> before
        /// <paramref name="site"/> (an earlier statement of the same block): a second close would be dead code.</summary>
        public bool ClosedBefore(string? origin, SyntaxNode site)
        {
            if (origin == null)
            {
                return false;
            }

            var statement = site.FirstAncestorOrSelf<StatementSyntax>();
            return statement != null && _closed.Any(c => c.Origin == origin && c.Anchor.Parent == statement.Parent && c.Anchor.SpanStart < statement.SpanStart);
        }

        /// <summary>Records that a close of the stream of <paramref name="origin"/> was planned at <paramref name="site"/>.</summary>
        public void NoteClosed(string? origin, SyntaxNode site)
        {
            if (origin != null && site.FirstAncestorOrSelf<StatementSyntax>() is { } statement)
            {
                _closed.Add((origin, statement));
            }
        }

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

        /// <summary>In place of <paramref name="anchor"/> (a disposal the inserted close now does). A close that never
        /// throws, alone in a try whose catches only guarded the disposal, makes those catches dead: they go too. Not
        /// where the try holds #if directives: alone in this target framework's branch, the other frameworks' branches
        /// may still throw into those catches (and unwrapping would drop their lines).</summary>
        public bool Replace(StatementSyntax anchor, StatementSyntax replacement, bool neverThrows = false)
        {
            if (_replace.ContainsKey(anchor))
            {
                return false;
            }

            if (neverThrows && anchor.Parent is BlockSyntax { Statements.Count: 1, Parent: TryStatementSyntax { Catches.Count: > 0 } tryStatement }
                && !_nodes.ContainsKey(tryStatement) && !tryStatement.Block.ContainsDirectives && !tryStatement.Catches.Any(c => c.ContainsDirectives))
            {
                var close = replacement.WithAdditionalAnnotations(Formatter.Annotation);
                SyntaxNode unwrapped = tryStatement.Finally == null
                    ? close.WithTriviaFrom(tryStatement)
                    : tryStatement.WithBlock(tryStatement.Block.WithStatements(SyntaxFactory.SingletonList(close.WithTriviaFrom(anchor)))).WithCatches(default);
                _nodes.Add(tryStatement, unwrapped.WithAdditionalAnnotations(Formatter.Annotation));
                return true;
            }

            Add(_replace, anchor, replacement);
            return true;
        }

        /// <summary>In place of <paramref name="anchor"/>, several statements (a flush, then the close).</summary>
        public bool ReplaceWithMany(StatementSyntax anchor, IReadOnlyList<StatementSyntax> replacement)
        {
            if (_replace.ContainsKey(anchor))
            {
                return false;
            }

            foreach (var statement in replacement)
            {
                Add(_replace, anchor, statement);
            }

            return true;
        }

        /// <summary>A <c>return</c> whose value is computed into <paramref name="name"/> first (the declaration goes before the
        /// inserted close) and returned after it. A return hoisted already (another stream closed before it) is kept so.</summary>
        public bool Hoist(ReturnStatementSyntax exit, LocalDeclarationStatementSyntax declaration, string name)
        {
            if (_hoisted.ContainsKey(exit))
            {
                return true;
            }

            if (!CanInsertBefore(exit))
            {
                return false;
            }

            _hoisted.Add(exit, name);
            Before(exit, declaration);
            return true;
        }

        /// <summary>Removes the later disposals of <paramref name="stream"/> in the block of <paramref name="close"/>: the
        /// runtime's close disposes it, and a second Dispose() after it is dead code.</summary>
        public void RemoveLaterDisposals(SemanticModel model, StatementSyntax close, ISymbol stream)
        {
            var siblings = close.Parent switch
            {
                BlockSyntax block => block.Statements,
                SwitchSectionSyntax section => section.Statements,
                _ => default,
            };
            foreach (var later in siblings.SkipWhile(s => s != close).Skip(1))
            {
                if (later is ExpressionStatementSyntax { Expression: var expression } && DisposedSymbol(model, expression) is { } disposed
                    && SymbolEqualityComparer.Default.Equals(disposed, stream))
                {
                    _removed.Add(later);
                }
            }
        }

        /// <summary>What <c>x.Dispose()</c>, <c>x?.Dispose()</c>, <c>x.Close()</c> or <c>await x.DisposeAsync()</c> disposes.</summary>
        private static ISymbol? DisposedSymbol(SemanticModel model, ExpressionSyntax expression)
        {
            while (true)
            {
                switch (expression)
                {
                    case AwaitExpressionSyntax awaited:
                        expression = awaited.Expression;
                        continue;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure }:
                        expression = configure.Expression;
                        continue;
                    case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose" or "Close" or "DisposeAsync" } access }:
                        return model.GetSymbolInfo(access.Expression).Symbol;
                    case ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Dispose" or "Close" or "DisposeAsync" } } } conditional:
                        return model.GetSymbolInfo(conditional.Expression).Symbol;
                    default:
                        return null;
                }
            }
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
                if (_removed.Contains(pair.Key))
                {
                    continue;
                }

                if (pair.Value.Count == 1)
                {
                    editor.ReplaceNode(pair.Key, SeparatedFromNext(pair.Key, pair.Value[0].WithTriviaFrom(pair.Key)).WithAdditionalAnnotations(Formatter.Annotation));
                }
                else if (pair.Key.Parent is BlockSyntax or SwitchSectionSyntax)
                {
                    var statements = pair.Value.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
                    statements[0] = statements[0].WithLeadingTrivia(pair.Key.GetLeadingTrivia());
                    statements[statements.Count - 1] = statements[statements.Count - 1].WithTrailingTrivia(pair.Key.GetTrailingTrivia());
                    editor.InsertBefore(pair.Key, statements.Take(statements.Count - 1));
                    editor.ReplaceNode(pair.Key, statements[statements.Count - 1]);
                }
                else
                {
                    editor.ReplaceNode(pair.Key, SyntaxFactory.Block(pair.Value).WithTriviaFrom(pair.Key).WithAdditionalAnnotations(Formatter.Annotation));
                }
            }

            foreach (var pair in _hoisted)
            {
                // Before the insertions: an embedded return is wrapped in a block with them, and keeps its new value.
                editor.ReplaceNode(pair.Key, (current, _) => ((ReturnStatementSyntax)current).WithExpression(
                    SyntaxFactory.IdentifierName(pair.Value).WithTriviaFrom(((ReturnStatementSyntax)current).Expression!)));
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

            foreach (var removed in _removed)
            {
                if (!_before.ContainsKey(removed) && !_append.ContainsKey(removed) && !_nodes.Keys.Any(n => n.Span.Contains(removed.Span)))
                {
                    editor.RemoveNode(removed, SyntaxRemoveOptions.KeepUnbalancedDirectives);
                }
            }

            if (_unit != null && _unit.Members.OfType<GlobalStatementSyntax>().LastOrDefault() is { } last)
            {
                // Each appended statement ends its line the way the last one did; no blank line comes before it.
                editor.InsertAfter(last, _topLevelEnd.Select(s => SyntaxFactory.GlobalStatement(s.WithoutLeadingTrivia().WithTrailingTrivia(last.GetTrailingTrivia()))));
            }
        }

        /// <summary>A block statement put in place of a one-line statement that other statements follow ends with a blank
        /// line, as the blocks the fix inserts before a statement do; the line ending is the replaced statement's own.</summary>
        private static StatementSyntax SeparatedFromNext(StatementSyntax anchor, StatementSyntax replacement)
        {
            var siblings = anchor.Parent switch
            {
                BlockSyntax block => block.Statements,
                SwitchSectionSyntax section => section.Statements,
                _ => default,
            };
            var endOfLine = anchor.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            if (replacement is not (IfStatementSyntax or TryStatementSyntax) || siblings.Count == 0 || siblings.Last() == anchor
                || endOfLine.IsKind(SyntaxKind.None) || anchor.DescendantNodes().OfType<BlockSyntax>().Any())
            {
                return replacement;
            }

            return replacement.WithTrailingTrivia(replacement.GetTrailingTrivia().Add(endOfLine));
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
