using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.CodeFixes
{
    internal enum IntentKind
    {
        /// <summary>Nothing says the code means to drop the connection: close gracefully.</summary>
        Graceful,

        /// <summary>The code drops the connection on purpose: abort.</summary>
        Abort,

        /// <summary>Graceful when <see cref="CloseIntent.Condition"/> holds (or does not, by <see cref="CloseIntent.GracefulWhenTrue"/>), abort otherwise.</summary>
        Split,

        /// <summary>The framework tears the connection down when the function returns: send close_notify, read nothing.</summary>
        WriteOnly,

        /// <summary>Another member of the type reads the stream (its read loop): send close_notify, leave the reading to it.</summary>
        NoDrain,
    }

    /// <summary>
    /// What the code around a disposal means, read from symbols and operations of the enclosing function:
    /// <list type="bullet">
    /// <item>abort: the function resets the transport unconditionally
    /// (<c>Socket.Close(0)</c>, a zero linger time: <c>LingerState = new LingerOption(true, 0)</c>); or it drops the
    /// stream to connect again (the stream is replaced after a new socket or TcpClient connects: the old connection is
    /// dead, and a graceful close would wait on it).</item>
    /// <item>split: the reset depends on a plain condition (<c>Close(disposing ? 1 : 0)</c>), or the disposal is in a
    /// <c>Dispose(bool)</c> outside an <c>if (disposing)</c> (the finalizer's path must not send, wait or touch other
    /// objects): graceful on the normal branch, abort on the other.</item>
    /// <item>write-only: the function is handed a connection whose transport is a duplex pipe the framework owns (a
    /// parameter whose type has an <c>IDuplexPipe Transport</c>, as ASP.NET Core's <c>ConnectionContext</c>): the
    /// framework aborts that transport when the function returns, which cancels a drain.</item>
    /// <item>no drain: the stream is a field or property that another member of the type reads (the code's own read
    /// loop). That loop may have a read pending when the close runs, and an SslStream takes one read at a time (a drain
    /// beside it fails with NotSupportedException, after the close_notify left); the loop reads the peer's answer.</item>
    /// </list>
    /// </summary>
    internal readonly struct CloseIntent
    {
        private CloseIntent(IntentKind kind, ExpressionSyntax? condition = null, bool gracefulWhenTrue = true)
        {
            Kind = kind;
            Condition = condition;
            GracefulWhenTrue = gracefulWhenTrue;
        }

        public IntentKind Kind { get; }

        public ExpressionSyntax? Condition { get; }

        public bool GracefulWhenTrue { get; }

        public static CloseIntent Of(SemanticModel model, SyntaxNode site, ISymbol? target)
        {
            var function = site.AncestorsAndSelf().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
            if (function == null)
            {
                return new CloseIntent(IntentKind.Graceful);
            }

            if (Reset(model, function) is { } reset)
            {
                return reset;
            }

            if (DisposingParameter(model, function) is { } disposing && !Guarded(site, function, disposing))
            {
                return new CloseIntent(IntentKind.Split, SyntaxFactory.IdentifierName(disposing.Name), gracefulWhenTrue: true);
            }

            if (target is IFieldSymbol or IPropertySymbol && Reconnects(model, function, site, target))
            {
                return new CloseIntent(IntentKind.Abort);
            }

            if (HasFrameworkConnection(model, site, function))
            {
                return new CloseIntent(IntentKind.WriteOnly);
            }

            if (target is IFieldSymbol or IPropertySymbol && ReadElsewhere(model, function, target))
            {
                return new CloseIntent(IntentKind.NoDrain);
            }

            return new CloseIntent(IntentKind.Graceful);
        }

        /// <summary>A read of <paramref name="target"/> in the type's declarations of this file, outside <paramref name="function"/>.</summary>
        private static bool ReadElsewhere(SemanticModel model, SyntaxNode function, ISymbol target)
        {
            foreach (var reference in target.ContainingType.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != model.SyntaxTree)
                {
                    continue;
                }

                foreach (var name in reference.GetSyntax().DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (!Analyzers.KnownSymbols.IsReadName(name.Identifier.ValueText) || function.Span.Contains(name.Span))
                    {
                        continue;
                    }

                    var receiver = name.Parent switch
                    {
                        MemberAccessExpressionSyntax access when access.Name == name && access.Parent is InvocationExpressionSyntax => access.Expression,
                        MemberBindingExpressionSyntax { Parent: InvocationExpressionSyntax call } when call.Parent is ConditionalAccessExpressionSyntax conditional
                            && conditional.WhenNotNull == call => conditional.Expression,
                        _ => null,
                    };
                    if (receiver != null && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(Unsuppressed(receiver)).Symbol, target))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The expression without parentheses and the null-forgiving <c>!</c>.</summary>
        private static ExpressionSyntax Unsuppressed(ExpressionSyntax expression) => Unparenthesized(expression) switch
        {
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed => Unsuppressed(suppressed.Operand),
            var other => other,
        };

        /// <summary>A reset of the transport in the function: <c>Close(0)</c> or a zero linger time, unconditional or
        /// chosen by a plain condition.</summary>
        private static CloseIntent? Reset(SemanticModel model, SyntaxNode function)
        {
            var sockets = Sockets(model.Compilation);
            var lingerOption = model.Compilation.GetTypeByMetadataName("System.Net.Sockets.LingerOption");
            foreach (var node in function.DescendantNodes(n => n == function || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                ExpressionSyntax? timeout = node switch
                {
                    InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } invocation
                        when model.GetSymbolInfo(invocation).Symbol is IMethodSymbol { Name: "Close" } close && IsAny(close.ContainingType, sockets) => invocation.ArgumentList.Arguments[0].Expression,
                    BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 2 } creation
                        when SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(creation).Type, lingerOption) && IsTrue(creation.ArgumentList.Arguments[0].Expression) => creation.ArgumentList.Arguments[1].Expression,
                    _ => null,
                };
                if (timeout == null)
                {
                    continue;
                }

                if (IsZero(timeout))
                {
                    var condition = EnclosingCondition(node, function);
                    return condition == null ? new CloseIntent(IntentKind.Abort) : IsPlain(condition.Value.Condition) ? new CloseIntent(IntentKind.Split, condition.Value.Condition, !condition.Value.WhenTrue) : null;
                }

                if (Unparenthesized(timeout) is ConditionalExpressionSyntax conditional && IsPlain(conditional.Condition) && (IsZero(conditional.WhenTrue) != IsZero(conditional.WhenFalse)))
                {
                    return new CloseIntent(IntentKind.Split, conditional.Condition.WithoutTrivia(), gracefulWhenTrue: IsZero(conditional.WhenFalse));
                }
            }

            return null;
        }

        /// <summary>The condition of the nearest <c>if</c> whose branch holds <paramref name="node"/>, and which branch.</summary>
        private static (ExpressionSyntax Condition, bool WhenTrue)? EnclosingCondition(SyntaxNode node, SyntaxNode function)
        {
            foreach (var ancestor in node.Ancestors().TakeWhile(a => a != function))
            {
                switch (ancestor)
                {
                    case ElseClauseSyntax { Parent: IfStatementSyntax owner }:
                        return (owner.Condition.WithoutTrivia(), false);
                    case IfStatementSyntax ifStatement when ifStatement.Statement.Span.Contains(node.Span):
                        return (ifStatement.Condition.WithoutTrivia(), true);
                }
            }

            return null;
        }

        /// <summary>The bool parameter of a <c>Dispose(bool)</c> (the dispose pattern), or null.</summary>
        private static IParameterSymbol? DisposingParameter(SemanticModel model, SyntaxNode function) =>
            function is MethodDeclarationSyntax method && model.GetDeclaredSymbol(method) is IMethodSymbol { Name: "Dispose", ReturnsVoid: true, Parameters.Length: 1 } symbol
            && symbol.Parameters[0].Type.SpecialType == SpecialType.System_Boolean
                ? symbol.Parameters[0]
                : null;

        /// <summary>The site runs only when <paramref name="disposing"/> is true: inside <c>if (disposing)</c>, or after
        /// <c>if (!disposing) return;</c>.</summary>
        private static bool Guarded(SyntaxNode site, SyntaxNode function, IParameterSymbol disposing)
        {
            foreach (var ancestor in site.Ancestors().TakeWhile(a => a != function))
            {
                if (ancestor is IfStatementSyntax ifStatement && ifStatement.Statement.Span.Contains(site.Span) && Tests(ifStatement.Condition, disposing.Name, true))
                {
                    return true;
                }

                if (ancestor is BlockSyntax block)
                {
                    var earlier = block.Statements.TakeWhile(s => !s.Span.Contains(site.Span));
                    if (earlier.OfType<IfStatementSyntax>().Any(i => Tests(i.Condition, disposing.Name, false) && (i.Statement is ReturnStatementSyntax || i.Statement is BlockSyntax { Statements.Count: 1 } b && b.Statements[0] is ReturnStatementSyntax)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary><c>disposing</c> (or <c>disposing &amp;&amp; …</c>) when <paramref name="value"/>; <c>!disposing</c> otherwise.</summary>
        private static bool Tests(ExpressionSyntax condition, string name, bool value) => Unparenthesized(condition) switch
        {
            IdentifierNameSyntax identifier => value && identifier.Identifier.ValueText == name,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => !value && not.Operand is IdentifierNameSyntax { Identifier.ValueText: var n } && n == name,
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } and => value && (Tests(and.Left, name, true) || Tests(and.Right, name, true)),
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } or => !value && (Tests(or.Left, name, false) || Tests(or.Right, name, false)),
            _ => false,
        };

        /// <summary>The stream is replaced later in the function after a new connection is made: the old one is dropped.</summary>
        private static bool Reconnects(SemanticModel model, SyntaxNode function, SyntaxNode site, ISymbol target)
        {
            var after = function.DescendantNodes().Where(n => n.SpanStart > site.Span.End).ToList();
            var replaced = after.OfType<AssignmentExpressionSyntax>().Any(a => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(a.Left).Symbol, target)
                && !a.Right.IsKind(SyntaxKind.NullLiteralExpression));
            if (!replaced)
            {
                return false;
            }

            var sockets = Sockets(model.Compilation);
            return after.Any(n => n switch
            {
                BaseObjectCreationExpressionSyntax creation => IsAny(model.GetTypeInfo(creation).Type, sockets),
                InvocationExpressionSyntax invocation => model.GetSymbolInfo(invocation).Symbol is IMethodSymbol { Name: "Connect" or "ConnectAsync" } connect && IsAny(connect.ContainingType, sockets),
                _ => false,
            });
        }

        /// <summary>
        /// The member named <paramref name="name"/> at <paramref name="site"/> is given a new TLS stream later in the
        /// function, and no new connection is made for it: the old stream is dropped for a new handshake over the
        /// transport it ran on. No close fits there: a close_notify would end the peer's session before that
        /// handshake (and a drain would wait on it), and an abort would reset the socket the new stream uses.
        /// </summary>
        public static bool Rehandshakes(SemanticModel model, SyntaxNode site, string name)
        {
            var function = site.AncestorsAndSelf().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
            var target = site.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Where(i => i.Identifier.ValueText == name)
                .Select(i => model.GetSymbolInfo(i).Symbol)
                .FirstOrDefault(s => s is IFieldSymbol or IPropertySymbol);
            var sslStream = model.Compilation.GetTypeByMetadataName("System.Net.Security.SslStream");
            if (function == null || target == null || sslStream == null)
            {
                return false;
            }

            var renewed = function.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => a.SpanStart > site.Span.End
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(a.Left).Symbol, target)
                && Unparenthesized(a.Right) is BaseObjectCreationExpressionSyntax creation
                && DerivesFrom(model.GetTypeInfo(creation).Type, sslStream));
            return renewed && !Reconnects(model, function, site, target);
        }

        private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Socket and TcpClient: what a connection is made with and reset through.</summary>
        private static INamedTypeSymbol?[] Sockets(Compilation compilation) => new[]
        {
            compilation.GetTypeByMetadataName("System.Net.Sockets.Socket"),
            compilation.GetTypeByMetadataName("System.Net.Sockets.TcpClient"),
        };

        private static bool IsAny(ITypeSymbol? type, INamedTypeSymbol?[] types) =>
            type != null && types.Any(t => t != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, t));

        /// <summary>A parameter of an enclosing function whose type holds a framework-owned duplex pipe (<c>IDuplexPipe Transport</c>).</summary>
        private static bool HasFrameworkConnection(SemanticModel model, SyntaxNode site, SyntaxNode function)
        {
            var duplexPipe = model.Compilation.GetTypeByMetadataName("System.IO.Pipelines.IDuplexPipe");
            if (duplexPipe == null)
            {
                return false;
            }

            foreach (var ancestor in site.AncestorsAndSelf())
            {
                var symbol = ancestor switch
                {
                    AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda).Symbol as IMethodSymbol,
                    LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax => model.GetDeclaredSymbol(ancestor) as IMethodSymbol,
                    _ => null,
                };
                if (symbol != null && symbol.Parameters.Any(p => HasTransport(p.Type, duplexPipe)))
                {
                    return true;
                }

                if (ancestor is BaseTypeDeclarationSyntax)
                {
                    break;
                }
            }

            return false;
        }

        private static bool HasTransport(ITypeSymbol type, INamedTypeSymbol duplexPipe)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (t.GetMembers("Transport").OfType<IPropertySymbol>().Any(p => SymbolEqualityComparer.Default.Equals(p.Type, duplexPipe)))
                {
                    return true;
                }
            }

            return false;
        }

        private static ExpressionSyntax Unparenthesized(ExpressionSyntax expression) =>
            expression is ParenthesizedExpressionSyntax parenthesized ? Unparenthesized(parenthesized.Expression) : expression;

        private static bool IsZero(ExpressionSyntax expression) =>
            Unparenthesized(expression) is LiteralExpressionSyntax { Token.Value: 0 };

        private static bool IsTrue(ExpressionSyntax expression) => Unparenthesized(expression).IsKind(SyntaxKind.TrueLiteralExpression);

        /// <summary>A condition the fix may evaluate again: names, member accesses, negations, comparisons with literals.</summary>
        private static bool IsPlain(ExpressionSyntax expression) => Unparenthesized(expression) switch
        {
            IdentifierNameSyntax or LiteralExpressionSyntax or ThisExpressionSyntax => true,
            MemberAccessExpressionSyntax access => IsPlain(access.Expression),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => IsPlain(not.Operand),
            BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression
                or SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression => IsPlain(binary.Left) && IsPlain(binary.Right),
            _ => false,
        };
    }
}
