using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>
    /// Writes the fix's own lines (never the author's, not even moved ones) the way the file writes its code: empty
    /// one-line blocks (<c>{}</c> or <c>{ }</c>), <c>this.</c> before members, <c>var</c> or the type, and
    /// <c>ConfigureAwait(false)</c> on a new await where the method (or, when it has no other await, the file) uses it.
    /// Every change stays within its line, so nothing needs formatting again.
    /// </summary>
    internal static class NewCodeStyle
    {
        public static async Task<Document> ApplyAsync(Document original, Document changed, FileConventions conventions, CancellationToken cancellationToken)
        {
            var originalText = await original.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var text = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var newLines = LineDiff.Between(originalText, text).NewLines();
            var root = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await changed.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (newLines.Count == 0 || root == null || model == null)
            {
                return changed;
            }

            bool IsNew(SyntaxNode node) => newLines.Contains(text.Lines.GetLineFromPosition(node.SpanStart).LineNumber);
            var rewriter = new Rewriter(conventions);
            foreach (var node in root.DescendantNodes().Where(IsNew))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (node)
                {
                    case BlockSyntax block when conventions.EmptyBlock != null && IsEmptyOneLine(text, block):
                        rewriter.Blocks.Add(block);
                        break;
                    case IdentifierNameSyntax name when conventions.QualifyMembers == true && CanQualify(model, name):
                        rewriter.Qualify.Add(name);
                        break;
                    case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access when conventions.QualifyMembers == false && CanUnqualify(model, access):
                        rewriter.Unqualify.Add(access);
                        break;
                    case VariableDeclarationSyntax declaration when ExplicitType(model, declaration, conventions) is { } type:
                        rewriter.Types.Add(declaration.Type, type.WithTriviaFrom(declaration.Type));
                        break;
                    case AwaitExpressionSyntax awaited when NeedsConfigureAwait(model, awaited, conventions, IsNew):
                        rewriter.Configure.Add(awaited);
                        break;
                }
            }

            return rewriter.IsEmpty ? changed : changed.WithSyntaxRoot(rewriter.Visit(root));
        }

        private static bool IsEmptyOneLine(SourceText text, BlockSyntax block) =>
            block.Statements.Count == 0
            && text.Lines.GetLineFromPosition(block.OpenBraceToken.SpanStart).LineNumber == text.Lines.GetLineFromPosition(block.CloseBraceToken.SpanStart).LineNumber
            && block.OpenBraceToken.TrailingTrivia.All(t => t.IsKind(SyntaxKind.WhitespaceTrivia))
            && block.CloseBraceToken.LeadingTrivia.All(t => t.IsKind(SyntaxKind.WhitespaceTrivia));

        /// <summary>A bare reference to an instance field or property of this type, in code that has a <c>this</c>.</summary>
        private static bool CanQualify(SemanticModel model, IdentifierNameSyntax name)
        {
            if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name || name.Parent is MemberBindingExpressionSyntax
                or NameColonSyntax or NameEqualsSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax or TypeArgumentListSyntax
                || name.Parent is AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment && assignment.Left == name
                || name.Ancestors().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" }))
            {
                return false;
            }

            if (model.GetSymbolInfo(name).Symbol is not (IFieldSymbol or IPropertySymbol) || model.GetSymbolInfo(name).Symbol is not { IsStatic: false } member)
            {
                return false;
            }

            var container = name.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax
                or IndexerDeclarationSyntax or FieldDeclarationSyntax or EventDeclarationSyntax);
            var type = name.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            var staticFunction = name.Ancestors().TakeWhile(a => a != container).Any(a =>
                a is LocalFunctionStatementSyntax local && local.Modifiers.Any(SyntaxKind.StaticKeyword)
                || a is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword));
            if (container is null or FieldDeclarationSyntax || staticFunction || type == null || IsStatic(container) || model.GetDeclaredSymbol(type) is not { } typeSymbol)
            {
                return false;
            }

            for (var t = typeSymbol; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, member.ContainingType))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsStatic(SyntaxNode member) =>
            member is MemberDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.StaticKeyword)
            || member is AccessorDeclarationSyntax { Parent.Parent: MemberDeclarationSyntax property } && property.Modifiers.Any(SyntaxKind.StaticKeyword);

        /// <summary><c>this.x</c> where plain <c>x</c> means the same member (no parameter or local hides it).</summary>
        private static bool CanUnqualify(SemanticModel model, MemberAccessExpressionSyntax access) =>
            model.GetSymbolInfo(access).Symbol is IFieldSymbol or IPropertySymbol && model.GetSymbolInfo(access).Symbol is { } member
            && SymbolEqualityComparer.Default.Equals(model.LookupSymbols(access.SpanStart, name: access.Name.Identifier.ValueText).FirstOrDefault(), member);

        /// <summary>The type to write in place of <c>var</c>, where the file writes types.</summary>
        private static TypeSyntax? ExplicitType(SemanticModel model, VariableDeclarationSyntax declaration, FileConventions conventions)
        {
            if (declaration.Type is not IdentifierNameSyntax { Identifier.ValueText: "var" } || declaration.Variables.Count != 1
                || declaration.Variables[0].Initializer?.Value is not { } value)
            {
                return null;
            }

            var apparent = value is ObjectCreationExpressionSyntax or CastExpressionSyntax or ArrayCreationExpressionSyntax || value.IsKind(SyntaxKind.AsExpression);
            if (apparent ? conventions.VarWhenApparent : conventions.VarElsewhere)
            {
                return null;
            }

            var type = model.GetTypeInfo(declaration.Type).Type;
            return type == null || type.IsAnonymousType || type.TypeKind == TypeKind.Error
                ? null
                : ParseTypeName(type.ToMinimalDisplayString(model, declaration.SpanStart));
        }

        /// <summary>A new await of a task, in a method whose other awaits are configured (or, when it has none, in a file
        /// whose awaits mostly are).</summary>
        private static bool NeedsConfigureAwait(SemanticModel model, AwaitExpressionSyntax awaited, FileConventions conventions, System.Func<SyntaxNode, bool> isNew)
        {
            if (FileConventions.IsConfiguredFalse(awaited) || awaited.Ancestors().Any(a => a is GlobalStatementSyntax)
                || model.GetTypeInfo(awaited.Expression).Type is not INamedTypeSymbol { Name: "Task" or "ValueTask" } task
                || task.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
            {
                return false;
            }

            var function = awaited.Ancestors().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax);
            var others = function?.DescendantNodes().OfType<AwaitExpressionSyntax>()
                .Where(a => !isNew(a) && a.Ancestors().FirstOrDefault(x => x is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax) == function)
                .ToList() ?? new List<AwaitExpressionSyntax>();
            return others.Count == 0 ? conventions.ConfigureAwaitFalse : others.Any(FileConventions.IsConfiguredFalse);
        }

        private sealed class Rewriter : CSharpSyntaxRewriter
        {
            private readonly FileConventions _conventions;

            public Rewriter(FileConventions conventions) => _conventions = conventions;

            public HashSet<BlockSyntax> Blocks { get; } = new HashSet<BlockSyntax>();

            public HashSet<IdentifierNameSyntax> Qualify { get; } = new HashSet<IdentifierNameSyntax>();

            public HashSet<MemberAccessExpressionSyntax> Unqualify { get; } = new HashSet<MemberAccessExpressionSyntax>();

            public Dictionary<TypeSyntax, TypeSyntax> Types { get; } = new Dictionary<TypeSyntax, TypeSyntax>();

            public HashSet<AwaitExpressionSyntax> Configure { get; } = new HashSet<AwaitExpressionSyntax>();

            public bool IsEmpty => Blocks.Count + Qualify.Count + Unqualify.Count + Types.Count + Configure.Count == 0;

            public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
            {
                if (Types.TryGetValue(node, out var type))
                {
                    return type;
                }

                return Qualify.Contains(node)
                    ? MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ThisExpression(), node.WithoutTrivia()).WithTriviaFrom(node)
                    : base.VisitIdentifierName(node);
            }

            public override SyntaxNode? VisitMemberAccessExpression(MemberAccessExpressionSyntax node) =>
                Unqualify.Contains(node) ? node.Name.WithTriviaFrom(node) : base.VisitMemberAccessExpression(node);

            public override SyntaxNode? VisitAwaitExpression(AwaitExpressionSyntax node)
            {
                var visited = (AwaitExpressionSyntax)base.VisitAwaitExpression(node)!;
                if (!Configure.Contains(node))
                {
                    return visited;
                }

                var operand = visited.Expression;
                var configured = InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, operand.WithoutTrailingTrivia(), IdentifierName("ConfigureAwait")),
                    ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
                return visited.WithExpression(configured.WithTrailingTrivia(operand.GetTrailingTrivia()));
            }

            public override SyntaxNode? VisitBlock(BlockSyntax node)
            {
                var visited = (BlockSyntax)base.VisitBlock(node)!;
                if (!Blocks.Contains(node))
                {
                    return visited;
                }

                var inside = _conventions.EmptyBlock == "{}" ? SyntaxTriviaList.Empty : TriviaList(Space);
                return visited
                    .WithOpenBraceToken(visited.OpenBraceToken.WithTrailingTrivia(inside))
                    .WithCloseBraceToken(visited.CloseBraceToken.WithLeadingTrivia(SyntaxTriviaList.Empty));
            }
        }
    }
}
