using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace CloseNotify.CodeFixes
{
    /// <summary>One disposal site and the close it gets.</summary>
    internal sealed class CloseSite
    {
        private readonly SemanticModel _model;
        private readonly SyntaxNode _node;
        private readonly string _name;
        private readonly bool _isMember;
        private readonly bool _typedAsStream;
        private readonly CloseMode _mode;
        private readonly CloseStatements _statements;

        public CloseSite(SemanticModel model, SyntaxNode node, string name, bool isMember, bool typedAsStream, CloseMode mode, CloseStatements statements)
        {
            _model = model;
            _node = node;
            _name = name;
            _isMember = isMember;
            _typedAsStream = typedAsStream;
            _mode = mode;
            _statements = statements;
        }

        private bool CanAwait => AsyncContext.AllowsAwait(_node);

        public bool AtCall(StatementInsertion insertion)
        {
            // The disposal call itself, not a ConfigureAwait around it.
            var invocation = _node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(IsDisposalCall)
                ?? _node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation == null)
            {
                return false;
            }

            var (receiver, conditional) = ReceiverOf(invocation);
            var disposal = WholeDisposal(invocation);
            var direct = receiver != null && _model.GetSymbolInfo(receiver).Symbol is { } symbol && symbol.Name == _name
                && symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol;
            var target = direct ? receiver!.WithoutTrivia() : TargetByName(invocation.SpanStart);
            var maybeNull = conditional || MaybeNull(direct ? receiver! : null, invocation.SpanStart);

            // With the runtime, a close of the stream itself takes the disposal's place: TlsClose disposes it, and
            // the Dispose() (or `?.Dispose()`) left behind would be a redundant statement.
            if (direct && _mode != CloseMode.Bcl)
            {
                var statement = RuntimeStatement(target, maybeNull, disposal);
                switch (disposal.Parent)
                {
                    case ExpressionStatementSyntax expressionStatement:
                        return insertion.Replace(expressionStatement, statement);
                    case ArrowExpressionClauseSyntax or AnonymousFunctionExpressionSyntax:
                        return ReplaceExpressionBody(disposal, statement, keepDisposal: false, insertion);
                }

                return false;
            }

            var close = CloseFor(target, maybeNull, disposal);
            if (close == null)
            {
                return false;
            }

            switch (disposal.Parent)
            {
                case ExpressionStatementSyntax expressionStatement when StatementInsertion.CanInsertBefore(expressionStatement):
                    foreach (var s in close)
                    {
                        insertion.Before(expressionStatement, s);
                    }

                    return true;
                case ArrowExpressionClauseSyntax or AnonymousFunctionExpressionSyntax:
                    return ReplaceExpressionBody(disposal, close.Last(), keepDisposal: true, insertion, close.Take(close.Count - 1).ToList());
                default:
                    return false;
            }
        }

        public bool Before(StatementSyntax anchor, StatementInsertion insertion)
        {
            var close = CloseFor(TargetByName(anchor.SpanStart), MaybeNull(null, anchor.SpanStart), anchor);
            if (close == null)
            {
                return false;
            }

            foreach (var s in close)
            {
                insertion.Before(anchor, s);
            }

            return true;
        }

        public bool AtScopeEnd(StatementInsertion insertion)
        {
            foreach (var ancestor in _node.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case UsingStatementSyntax usingStatement:
                        var body = usingStatement.Statement;
                        var position = body is BlockSyntax block ? block.CloseBraceToken.SpanStart : body.Span.End;
                        return Append(body, position, s => insertion.AtEndOf(body, s));
                    case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } declaration:
                        if (declaration.Parent is BlockSyntax scope)
                        {
                            return Append(scope, scope.CloseBraceToken.SpanStart, s => insertion.AtEndOf(scope, s));
                        }

                        if (declaration.Parent is GlobalStatementSyntax { Parent: CompilationUnitSyntax unit })
                        {
                            // A top-level using declaration is disposed after the last top-level statement.
                            var last = unit.Members.OfType<GlobalStatementSyntax>().Last();
                            return Append(last, last.Span.End, s => insertion.AtEndOfTopLevel(unit, s));
                        }

                        return false;
                    case StatementSyntax:
                        return false;
                }
            }

            return false;
        }

        private bool Append(SyntaxNode context, int position, System.Action<StatementSyntax> add)
        {
            var close = CloseFor(TargetByName(position), MaybeNull(null, position), context);
            if (close == null)
            {
                return false;
            }

            foreach (var s in close)
            {
                add(s);
            }

            return true;
        }

        /// <summary>The statements that close <paramref name="target"/> before its disposal; null when none can.</summary>
        private IReadOnlyList<StatementSyntax>? CloseFor(ExpressionSyntax target, bool maybeNull, SyntaxNode context)
        {
            if (_mode != CloseMode.Bcl)
            {
                return new[] { RuntimeStatement(target, maybeNull, context) };
            }

            var canAwait = AsyncContext.AllowsAwait(context);
            var configureAwait = canAwait && AsyncContext.UsesConfigureAwaitFalse(context);
            var cleanup = AsyncContext.IsCleanup(context);
            if (_typedAsStream)
            {
                // A Stream-typed holder: only an SslStream has a close_notify to send.
                var local = FreshNames.Unique(_model, context, "ssl");
                var body = _statements.BclClose(SyntaxFactory.IdentifierName(local), canAwait, configureAwait, cleanup, FreshNames.Exception(_model, context));
                return new StatementSyntax[] { _statements.IfSslStream(target, local, body) };
            }

            var close = _statements.BclClose(target, canAwait, configureAwait, cleanup, FreshNames.Exception(_model, context));
            if (!maybeNull)
            {
                return close;
            }

            return new[] { CloseStatements.IfNotNull(target, SyntaxFactory.Block(close)) };
        }

        private StatementSyntax RuntimeStatement(ExpressionSyntax target, bool maybeNull, SyntaxNode context)
        {
            var graceful = _mode == CloseMode.Graceful;
            var canAwait = AsyncContext.AllowsAwait(context);
            var call = _statements.RuntimeCall(target, graceful, canAwait, canAwait && AsyncContext.UsesConfigureAwaitFalse(context));
            StatementSyntax statement = SyntaxFactory.ExpressionStatement(call);
            return maybeNull && CloseStatements.NeedsNonNull(graceful, canAwait) ? CloseStatements.IfNotNull(target, statement) : statement;
        }

        /// <summary>An expression-bodied member or lambda whose body is the disposal: the close replaces the
        /// expression when it is one, else the body becomes a block (returning the original value if it had one).</summary>
        private bool ReplaceExpressionBody(ExpressionSyntax disposal, StatementSyntax close, bool keepDisposal, StatementInsertion insertion, IReadOnlyList<StatementSyntax>? before = null)
        {
            var owner = disposal.Parent is ArrowExpressionClauseSyntax arrow ? arrow.Parent : disposal.Parent;
            var returnsValue = ReturnsValue(owner);
            if (owner == null || returnsValue == null)
            {
                return false;
            }

            if (!keepDisposal && returnsValue == false && before == null && close is ExpressionStatementSyntax { Expression: var expression })
            {
                return insertion.ReplaceNode(disposal, expression.WithTriviaFrom(disposal));
            }

            var statements = new List<StatementSyntax>(before ?? new StatementSyntax[0]) { close };
            var original = disposal.WithoutTrivia();
            if (keepDisposal || returnsValue == true)
            {
                statements.Add(returnsValue == true ? SyntaxFactory.ReturnStatement(original) : SyntaxFactory.ExpressionStatement(original));
            }

            var block = SyntaxFactory.Block(statements);
            SyntaxNode? replaced = owner switch
            {
                MethodDeclarationSyntax m => m.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                LocalFunctionStatementSyntax f => f.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                AccessorDeclarationSyntax a => a.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                LambdaExpressionSyntax l => l.WithExpressionBody(null).WithBlock(block),
                _ => null,
            };
            return replaced != null && insertion.ReplaceNode(owner, replaced.WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>Whether the function whose expression body this is returns a value; null when unknown.</summary>
        private bool? ReturnsValue(SyntaxNode? owner)
        {
            var method = owner switch
            {
                LambdaExpressionSyntax lambda => _model.GetSymbolInfo(lambda).Symbol as IMethodSymbol,
                null => null,
                _ => _model.GetDeclaredSymbol(owner) as IMethodSymbol,
            };
            if (method == null)
            {
                return null;
            }

            if (method.ReturnsVoid)
            {
                return false;
            }

            // An async Task/ValueTask function's expression body is a statement, not a value.
            return !(method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false });
        }

        /// <summary>The stream by name; a member shadowed there, or in a type that writes <c>this.</c>, gets <c>this.</c>.</summary>
        private ExpressionSyntax TargetByName(int position)
        {
            var identifier = SyntaxFactory.IdentifierName(_name);
            if (!_isMember)
            {
                return identifier;
            }

            var shadowed = _model.LookupSymbols(position, name: _name).FirstOrDefault() is not (IFieldSymbol or IPropertySymbol);
            var isStatic = _model.LookupSymbols(position, name: _name).FirstOrDefault() is { IsStatic: true };
            return !isStatic && (shadowed || AsyncContext.UsesThisPrefix(_node))
                ? SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.ThisExpression(), identifier)
                : identifier;
        }

        /// <summary>Null there: the nullable flow state of the reference, or a member declared nullable.</summary>
        private bool MaybeNull(ExpressionSyntax? reference, int position)
        {
            if (reference != null)
            {
                return _model.GetTypeInfo(reference).Nullability.FlowState == NullableFlowState.MaybeNull;
            }

            var symbol = _model.LookupSymbols(position, name: _name).FirstOrDefault();
            var type = symbol switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
            return _isMember && type?.NullableAnnotation == NullableAnnotation.Annotated;
        }

        private static bool IsDisposalCall(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText is "Dispose" or "DisposeAsync" or "Close",
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText is "Dispose" or "DisposeAsync" or "Close",
            _ => false,
        };

        /// <summary>The disposed expression (<c>x</c> of <c>x.Dispose()</c>, <c>x?.Dispose()</c>) and whether it is conditional.</summary>
        private static (ExpressionSyntax? Receiver, bool Conditional) ReceiverOf(InvocationExpressionSyntax invocation)
        {
            switch (invocation.Expression)
            {
                case MemberAccessExpressionSyntax access:
                    return (access.Expression, false);
                case MemberBindingExpressionSyntax:
                    var conditional = invocation.Ancestors().OfType<ConditionalAccessExpressionSyntax>().FirstOrDefault(c => c.WhenNotNull.Span.Contains(invocation.Span));
                    return (conditional?.Expression, conditional != null);
                default:
                    return (null, false);
            }
        }

        /// <summary>The disposal as a whole expression: through <c>?.</c>, ConfigureAwait and await.</summary>
        private static ExpressionSyntax WholeDisposal(InvocationExpressionSyntax invocation)
        {
            ExpressionSyntax current = invocation;
            while (true)
            {
                switch (current.Parent)
                {
                    case ConditionalAccessExpressionSyntax conditional when conditional.WhenNotNull == current:
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax } access when access.Expression == current:
                        current = current.Parent is MemberAccessExpressionSyntax m ? (ExpressionSyntax)m.Parent! : (ExpressionSyntax)current.Parent;
                        break;
                    case AwaitExpressionSyntax awaited:
                        current = awaited;
                        break;
                    default:
                        return current;
                }
            }
        }
    }
}
