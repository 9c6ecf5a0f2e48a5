using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// The TLS002 fix where the code cannot await: the close_notify written within a bound, never an unbounded wait.
    /// With the runtime, when the stream's disposal follows, <c>TlsClose.Notify(ssl)</c> takes the wait's place (at most
    /// 250 ms, never throws, disposes: the disposal goes). Otherwise <c>Wait(TimeSpan.FromMilliseconds(250))</c>, the
    /// bound of <c>TlsClose.Notify</c>, guarded where nothing already catches: the errors of a peer already gone (or of a
    /// stream with no session) are ignored, and in cleanup code the rest is reported instead of thrown.
    /// </summary>
    internal static class BoundedShutdown
    {
        private const int NotifyMilliseconds = 250;

        /// <summary><c>TlsClose.Notify(stream)</c> in place of <paramref name="statement"/>, and the disposal of the stream
        /// that follows it removed; false (nothing changed) when no such disposal follows or the runtime is missing.</summary>
        public static bool TryNotify(SyntaxEditor editor, SemanticModel model, ExpressionStatementSyntax statement, ExpressionSyntax stream, CancellationToken cancellationToken)
        {
            var tlsClose = model.Compilation.GetTypeByMetadataName("CloseNotify.TlsClose");
            var symbol = OperationHelpers.ReferencedSymbol(model.GetOperation(stream, cancellationToken));
            if (tlsClose == null || symbol == null || NextDisposal(model, statement, symbol, cancellationToken) is not { } disposal)
            {
                return false;
            }

            var type = ((ExpressionSyntax)editor.Generator.TypeExpression(tlsClose)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
            var notify = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, IdentifierName("Notify")),
                ArgumentList(SingletonSeparatedList(Argument(stream.WithoutTrivia()))));
            editor.ReplaceNode(statement, statement.WithExpression(notify.WithTriviaFrom(statement.Expression)));

            // The disposal's blank line and indentation stay for the statement after it, if any.
            if (disposal.Parent is BlockSyntax block && block.Statements.IndexOf(disposal) is var index && index + 1 < block.Statements.Count)
            {
                // Through the current node: other fixes of a Fix All may have changed what it holds.
                var leading = disposal.GetLeadingTrivia();
                editor.ReplaceNode(block.Statements[index + 1], (current, _) => current.WithLeadingTrivia(leading));
            }

            editor.RemoveNode(disposal, SyntaxRemoveOptions.KeepNoTrivia);
            return true;
        }

        /// <summary><c>task.Wait(TimeSpan.FromMilliseconds(250))</c>.</summary>
        public static InvocationExpressionSyntax Wait(ExpressionSyntax task) =>
            InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task, IdentifierName("Wait")),
                ArgumentList(SingletonSeparatedList(Argument(Milliseconds()))));

        /// <summary>The bound as the argument of an existing <c>Wait()</c>.</summary>
        public static ArgumentListSyntax WaitArguments() => ArgumentList(SingletonSeparatedList(Argument(Milliseconds())));

        /// <summary>Whether an enclosing try (in the same function) catches everything without a filter: then the bounded
        /// wait's errors are caught as the unbounded one's were.</summary>
        public static bool IsCaughtAnyway(SemanticModel model, SyntaxNode node)
        {
            SyntaxNode child = node;
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case TryStatementSyntax tryStatement when child == tryStatement.Block:
                        if (CatchesEverything(model, tryStatement))
                        {
                            return true;
                        }

                        break;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return false;
                }

                child = ancestor;
            }

            return false;
        }

        /// <summary>Whether <paramref name="node"/>'s statement is the last thing an enclosing try (in the same function)
        /// runs before its catch that takes every error, and that try stays: then an error of a close there skips nothing
        /// of the try, and the catch handles it as it handled the disposal's. A statement after it in the try would be
        /// skipped; a statement alone in a try without #if directives is replaced with the try by a close that never
        /// throws (<see cref="StatementInsertion.Replace"/>), whose own catch is then the only one.</summary>
        public static bool EndsTryThatCatchesEverything(SemanticModel model, SyntaxNode node)
        {
            var statement = node.FirstAncestorOrSelf<StatementSyntax>();
            SyntaxNode? child = statement;
            while (child?.Parent is { } parent)
            {
                switch (parent)
                {
                    case BlockSyntax block when block.Statements.LastOrDefault() == child:
                        if (block.Parent is TryStatementSyntax tryStatement && tryStatement.Block == block)
                        {
                            var replacedWithTheTry = block.Statements.Count == 1 && child == statement
                                && !block.ContainsDirectives && !tryStatement.Catches.Any(c => c.ContainsDirectives);
                            return !replacedWithTheTry && CatchesEverything(model, tryStatement);
                        }

                        break;
                    case IfStatementSyntax or ElseClauseSyntax:
                        break;
                    default:
                        return false;
                }

                child = parent;
            }

            return false;
        }

        /// <summary><c>try { statement } catch (Exception ex) when (benign) { } [catch (Exception ex) { report }]</c>: the
        /// errors of a peer already gone or of a stream with no session ignored; in cleanup code the rest reported.</summary>
        public static TryStatementSyntax Guard(SemanticModel model, SyntaxGenerator generator, SyntaxNode at, StatementSyntax statement, ExpressionSyntax? stream, bool streamMaybeNull, bool report)
        {
            var errorName = FreshNames.Exception(model, at);
            var tlsErrors = model.Compilation.GetTypeByMetadataName("CloseNotify.TlsErrors");
            ExpressionSyntax filter;
            if (tlsErrors != null)
            {
                var arguments = new List<ArgumentSyntax> { Argument(IdentifierName(errorName)) };
                if (stream != null)
                {
                    arguments.Add(Argument(stream.WithoutTrivia()));
                }

                var type = ((ExpressionSyntax)generator.TypeExpression(tlsErrors)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
                filter = InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, IdentifierName("IsBenign")), ArgumentList(SeparatedList(arguments)));
            }
            else
            {
                // Wait() wraps the task's errors in an AggregateException; a close with no session throws before the task exists.
                filter = new CloseStatements(model.Compilation, generator).BenignTypesFilter(IdentifierName(errorName), outer: true, inner: true, stream?.WithoutTrivia(), streamMaybeNull);
            }

            var catches = new List<CatchClauseSyntax> { CloseStatements.BenignCatch(ExceptionType(model, generator), errorName, filter) };
            if (report)
            {
                var restName = FreshNames.Exception(model, at);
                catches.Add(CatchClause(CatchDeclaration(ExceptionType(model, generator), Identifier(restName)), null, Block(CleanupLogger.Report(model, at, restName, "TLS close failed"))));
            }

            return TryStatement(Block(statement.WithoutTrivia()), List(catches), null);
        }

        private static bool CatchesEverything(SemanticModel model, TryStatementSyntax tryStatement) =>
            tryStatement.Catches.Any(c => c.Filter == null
                && (c.Declaration == null || model.GetTypeInfo(c.Declaration.Type).Type is { Name: "Exception", ContainingNamespace.Name: "System" }));

        /// <summary>The statement that disposes <paramref name="symbol"/> right after <paramref name="statement"/> (or right
        /// after the try whose only statement it is): <c>x.Dispose();</c>, <c>x.Close();</c>, <c>x?.Dispose();</c>.</summary>
        private static StatementSyntax? NextDisposal(SemanticModel model, ExpressionStatementSyntax statement, ISymbol symbol, CancellationToken cancellationToken)
        {
            if (statement.Parent is not BlockSyntax block)
            {
                return null;
            }

            StatementSyntax? next;
            var index = block.Statements.IndexOf(statement);
            if (index + 1 < block.Statements.Count)
            {
                next = block.Statements[index + 1];
            }
            else if (block.Parent is TryStatementSyntax { Finally: null } tryStatement && tryStatement.Parent is BlockSyntax outer
                && block.Statements.Count == 1 && outer.Statements.IndexOf(tryStatement) is var tryIndex && tryIndex + 1 < outer.Statements.Count)
            {
                next = outer.Statements[tryIndex + 1];
            }
            else
            {
                return null;
            }

            if (next is not ExpressionStatementSyntax disposal || disposal.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)))
            {
                return null;
            }

            var operation = model.GetOperation(disposal.Expression, cancellationToken);
            var invocation = operation is IConditionalAccessOperation access ? access.WhenNotNull as IInvocationOperation : operation as IInvocationOperation;
            return invocation is { TargetMethod: { Name: "Dispose" or "Close", Parameters.IsEmpty: true } }
                && SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(OperationHelpers.ResolveReceiver(invocation.Instance)), symbol)
                ? disposal
                : null;
        }

        private static TypeSyntax ExceptionType(SemanticModel model, SyntaxGenerator generator) =>
            ((TypeSyntax)generator.TypeExpression(model.Compilation.GetTypeByMetadataName("System.Exception")!)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);

        private static ExpressionSyntax Milliseconds() =>
            InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParseName("global::System.TimeSpan").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation), IdentifierName("FromMilliseconds")),
                ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(NotifyMilliseconds))))));
    }
}
