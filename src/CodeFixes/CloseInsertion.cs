using System.Linq;
using CloseNotify.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace CloseNotify.CodeFixes
{
    /// <summary>Plans, for one TLS001 diagnostic, which CloseNotify call to insert and where.</summary>
    internal static class CloseInsertion
    {
        public static bool TryPlan(SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic, bool graceful, StatementInsertion insertion)
        {
            var tlsClose = model.Compilation.GetTypeByMetadataName("CloseNotify.TlsClose");
            var properties = diagnostic.Properties;
            if (tlsClose == null
                || !properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.NameProperty, out var name) || name == null
                || !properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.KindProperty, out var kind))
            {
                return false;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var isField = properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.EntityProperty, out var entity) && entity == "Field";
            switch (kind)
            {
                case "Call":
                    var statement = node.FirstAncestorOrSelf<StatementSyntax>();
                    if (statement == null || !StatementInsertion.CanInsertBefore(statement) || CrossesFunction(node, statement))
                    {
                        return false;
                    }

                    insertion.Before(statement, CreateClose(model, generator, tlsClose, statement, statement.SpanStart, name, isField, graceful));
                    return true;
                case "EarlyExit":
                    if (node is not StatementSyntax exit || !StatementInsertion.CanInsertBefore(exit) || ReturnUses(exit, name))
                    {
                        return false;
                    }

                    insertion.Before(exit, CreateClose(model, generator, tlsClose, exit, exit.SpanStart, name, isField, graceful));
                    return true;
                case "ScopeEnd":
                    var body = ScopeBody(node);
                    if (body == null)
                    {
                        return false;
                    }

                    var position = body is BlockSyntax block ? block.CloseBraceToken.SpanStart : body.Span.End;
                    insertion.AtEndOf(body, CreateClose(model, generator, tlsClose, body, position, name, isField, graceful));
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The body a using statement or using declaration disposes at the end of.</summary>
        private static StatementSyntax? ScopeBody(SyntaxNode resource)
        {
            foreach (var ancestor in resource.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case UsingStatementSyntax usingStatement:
                        return usingStatement.Statement;
                    case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } declaration:
                        // Top-level statements have no block to append to: no fix there.
                        return declaration.Parent as BlockSyntax;
                    case StatementSyntax:
                        return null;
                }
            }

            return null;
        }

        /// <summary>A return whose value reads the stream must run before the close: inserting in front would change behaviour.</summary>
        private static bool ReturnUses(StatementSyntax exit, string name) =>
            exit is ReturnStatementSyntax { Expression: { } value }
            && value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name);

        private static bool CrossesFunction(SyntaxNode node, StatementSyntax statement) =>
            node.Ancestors().TakeWhile(a => a != statement).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);

        private static StatementSyntax CreateClose(SemanticModel model, SyntaxGenerator generator, INamedTypeSymbol tlsClose, SyntaxNode context, int position, string name, bool isField, bool graceful)
        {
            var type = ((ExpressionSyntax)generator.TypeExpression(tlsClose))
                .WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
            var argument = StreamExpression(model, position, name, isField);
            var isAsync = graceful && AsyncContext.AllowsAwait(context);
            var method = !graceful ? "Abort" : isAsync ? "GracefulAsync" : "Graceful";
            ExpressionSyntax call = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, SyntaxFactory.IdentifierName(method)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument))));
            if (isAsync)
            {
                if (AsyncContext.UsesConfigureAwaitFalse(context))
                {
                    call = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, call, SyntaxFactory.IdentifierName("ConfigureAwait")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
                }

                call = SyntaxFactory.AwaitExpression(call);
            }

            return SyntaxFactory.ExpressionStatement(call);
        }

        /// <summary>The stream by name; a field shadowed by a local or parameter there is reached through <c>this</c>.</summary>
        private static ExpressionSyntax StreamExpression(SemanticModel model, int position, string name, bool isField)
        {
            var identifier = SyntaxFactory.IdentifierName(name);
            if (!isField || model.LookupSymbols(position, name: name).FirstOrDefault() is IFieldSymbol)
            {
                return identifier;
            }

            return SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.ThisExpression(), identifier);
        }
    }
}
