using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace CloseNotify.CodeFixes
{
    /// <summary>One disposal site and the close it gets: where it goes (in place of the disposal, before it or before
    /// the exit, at the end of the scope), on which stream (the stream, or the one its owner holds), and what it is
    /// (<see cref="CloseForms"/>, by key, runtime and the code's intent).</summary>
    internal sealed class CloseSite
    {
        private readonly SemanticModel _model;
        private readonly SyntaxNode _node;
        private readonly string _name;
        private readonly bool _isMember;
        private readonly CloseForms _forms;

        public CloseSite(SemanticModel model, SyntaxNode node, string name, bool isMember, CloseForms forms)
        {
            _model = model;
            _node = node;
            _name = name;
            _isMember = isMember;
            _forms = forms;
        }

        /// <summary>What the planned close is, for the fix's title; set by a successful plan.</summary>
        public CloseForm Form { get; private set; }

        public bool AtCall(StatementInsertion insertion)
        {
            // The disposal call itself, not a ConfigureAwait around it.
            var invocation = _node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(DisposalSyntax.IsDisposalCall)
                ?? _node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation == null)
            {
                return false;
            }

            var (receiver, conditional) = DisposalSyntax.ReceiverOf(invocation);
            var disposal = DisposalSyntax.WholeDisposal(invocation);
            var receiverSymbol = receiver == null ? null : _model.GetSymbolInfo(receiver).Symbol;
            var direct = receiverSymbol != null && receiverSymbol.Name == _name && receiverSymbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol;
            var reference = direct ? receiver!.WithoutTrivia() : TargetByName(invocation.SpanStart);
            var symbol = direct ? receiverSymbol : SymbolByName(invocation.SpanStart);
            var anchor = disposal.FirstAncestorOrSelf<StatementSyntax>();
            if (symbol == null || StreamTarget.Resolve(_model, symbol, reference) is not { } target
                || (anchor != null && TransportCloses.Before(_model, anchor, symbol)))
            {
                return false;
            }

            // What the disposal disposes besides the stream: a writer's buffered bytes must leave first, and an owner
            // whose disposal still writes (a compression or crypto stream) has no place for a close before it.
            var flushFirst = target.FlushFirst;
            if (!direct && receiver != null)
            {
                var receiverType = _model.GetTypeInfo(receiver).Type;
                var owner = Owners.Kind(receiverType, _model.Compilation);
                if (owner == OwnerKind.NoPlace)
                {
                    return false;
                }

                flushFirst ??= owner == OwnerKind.Buffers ? new Flushable(receiver.WithoutTrivia(), receiverType!) : null;
            }

            var maybeNull = conditional || MaybeNull(direct ? receiver : null, invocation.SpanStart);
            var plan = _forms.Plan(target, flushFirst, conditional, maybeNull, disposal, symbol);
            if (plan == null)
            {
                return false;
            }

            Form = plan.Form;

            // A close of the stream itself takes the disposal's place when it disposes (every runtime close does):
            // the Dispose() (or `?.Dispose()`) left behind would be a redundant statement.
            if (direct && target.IsSelf && plan.Disposes)
            {
                switch (disposal.Parent)
                {
                    case ExpressionStatementSyntax expressionStatement when plan.Statements.Count == 1:
                        insertion.RemoveLaterDisposals(_model, expressionStatement, symbol);
                        return insertion.Replace(expressionStatement, plan.Statements[0], plan.NeverThrows);
                    case ArrowExpressionClauseSyntax or AnonymousFunctionExpressionSyntax when plan.Statements.Count == 1:
                        return ReplaceExpressionBody(disposal, plan.Statements[0], keepDisposal: false, insertion);
                    case ExpressionStatementSyntax expressionStatement when StatementInsertion.CanInsertBefore(expressionStatement):
                        insertion.RemoveLaterDisposals(_model, expressionStatement, symbol);
                        return insertion.ReplaceWithMany(expressionStatement, plan.Statements);
                }

                return false;
            }

            switch (disposal.Parent)
            {
                case ExpressionStatementSyntax expressionStatement when StatementInsertion.CanInsertBefore(expressionStatement):
                    foreach (var s in plan.Statements)
                    {
                        insertion.Before(expressionStatement, s);
                    }

                    if (target.IsSelf && plan.Disposes)
                    {
                        insertion.RemoveLaterDisposals(_model, expressionStatement, symbol);
                    }

                    return true;
                case ArrowExpressionClauseSyntax or AnonymousFunctionExpressionSyntax:
                    return ReplaceExpressionBody(disposal, plan.Statements.Last(), keepDisposal: true, insertion, plan.Statements.Take(plan.Statements.Count - 1).ToList());
                default:
                    return false;
            }
        }

        /// <summary>Before an early <c>return</c>/<c>break</c> that leaves the stream's scope; a return whose value uses the
        /// stream first keeps that value in a local (computed before the close, returned after it).</summary>
        public bool Before(StatementSyntax exit, StatementInsertion insertion)
        {
            var symbol = SymbolByName(exit.SpanStart);
            if (symbol == null || StreamTarget.Resolve(_model, symbol, TargetByName(exit.SpanStart)) is not { } target
                || TransportCloses.Before(_model, exit, symbol) || !WritersInScope(exit, out var writers))
            {
                return false;
            }

            var plan = _forms.Plan(target, target.FlushFirst ?? writers.FirstOrDefault(), false, MaybeNull(null, exit.SpanStart), exit, symbol);
            if (plan == null || !Hoist(exit, insertion))
            {
                return false;
            }

            Form = plan.Form;
            foreach (var s in plan.Statements)
            {
                insertion.Before(exit, s);
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
                        var last = body is BlockSyntax { Statements.Count: > 0 } withStatements ? withStatements.Statements.Last() : body;
                        return Append(body, last, position, s => insertion.AtEndOf(body, s));
                    case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } declaration:
                        if (declaration.Parent is BlockSyntax scope)
                        {
                            return Append(scope, scope.Statements.Last(), scope.CloseBraceToken.SpanStart, s => insertion.AtEndOf(scope, s));
                        }

                        if (declaration.Parent is GlobalStatementSyntax { Parent: CompilationUnitSyntax unit })
                        {
                            // A top-level using declaration is disposed after the last top-level statement.
                            var lastGlobal = unit.Members.OfType<GlobalStatementSyntax>().Last();
                            return Append(lastGlobal, lastGlobal.Statement, lastGlobal.Span.End, s => insertion.AtEndOfTopLevel(unit, s));
                        }

                        return false;
                    case StatementSyntax:
                        return false;
                }
            }

            return false;
        }

        private bool Append(SyntaxNode context, StatementSyntax last, int position, System.Action<StatementSyntax> add)
        {
            // Looked up inside the scope: at its closing brace the scope's locals are no longer visible.
            position = last.SpanStart;
            var symbol = SymbolByName(position);
            if (symbol == null || StreamTarget.Resolve(_model, symbol, TargetByName(position)) is not { } target
                || TransportCloses.Before(_model, last, symbol) || TransportCloses.In(_model, last) || !WritersInScope(last, out var writers))
            {
                return false;
            }

            var plan = _forms.Plan(target, target.FlushFirst ?? writers.FirstOrDefault(), false, MaybeNull(null, position), context, symbol);
            if (plan == null)
            {
                return false;
            }

            Form = plan.Form;
            foreach (var s in plan.Statements)
            {
                add(s);
            }

            return true;
        }

        /// <summary>The using resources in scope at <paramref name="site"/> that buffer writes (flushed before the close);
        /// false when one of them writes when disposed (a compression or crypto stream): no close can go before that.</summary>
        private bool WritersInScope(SyntaxNode site, out List<Flushable> writers)
        {
            writers = new List<Flushable>();
            foreach (var ancestor in site.Ancestors().TakeWhile(a => a is not (MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                var declarations = new List<VariableDeclarationSyntax>();
                if (ancestor is UsingStatementSyntax { Declaration: { } usingDeclaration })
                {
                    declarations.Add(usingDeclaration);
                }
                else if (ancestor is BlockSyntax block)
                {
                    declarations.AddRange(block.Statements.TakeWhile(s => !s.Span.Contains(site.Span) && s.SpanStart < site.SpanStart)
                        .OfType<LocalDeclarationStatementSyntax>().Where(d => d.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)).Select(d => d.Declaration));
                }

                foreach (var variable in declarations.SelectMany(d => d.Variables))
                {
                    var type = (_model.GetDeclaredSymbol(variable) as ILocalSymbol)?.Type;
                    var kind = Owners.Kind(type, _model.Compilation);
                    if (kind == OwnerKind.NoPlace)
                    {
                        return false;
                    }

                    if (kind == OwnerKind.Buffers)
                    {
                        writers.Add(new Flushable(SyntaxFactory.IdentifierName(variable.Identifier.ValueText), type!));
                    }
                }
            }

            return true;
        }

        /// <summary>A <c>return</c> whose value may read the stream (a call, an await, a member access...) returns a local
        /// computed before the close instead; false when it cannot (a ref return).</summary>
        private bool Hoist(StatementSyntax exit, StatementInsertion insertion)
        {
            if (exit is not ReturnStatementSyntax { Expression: { } value } ret || IsIndependent(value))
            {
                return true;
            }

            if (value is RefExpressionSyntax)
            {
                return false;
            }

            var name = insertion.FreshName(_model, exit, "result");
            var type = _model.GetTypeInfo(value);
            TypeSyntax declared = type.Type != null && type.ConvertedType != null && SymbolEqualityComparer.Default.Equals(type.Type, type.ConvertedType)
                ? SyntaxFactory.IdentifierName("var")
                : type.ConvertedType is { } converted && converted.TypeKind != TypeKind.Error
                    ? (TypeSyntax)_forms.TypeExpression(converted)
                    : SyntaxFactory.IdentifierName("var");
            var declaration = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(declared, SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name)).WithInitializer(SyntaxFactory.EqualsValueClause(value.WithoutTrivia())))));
            return insertion.Hoist(ret, declaration, name);
        }

        /// <summary>A value that cannot read the stream: a literal, <c>default</c>, or a local, parameter or constant of a
        /// value type or string.</summary>
        private bool IsIndependent(ExpressionSyntax value)
        {
            switch (value)
            {
                case LiteralExpressionSyntax or DefaultExpressionSyntax or TypeOfExpressionSyntax:
                    return true;
                case IdentifierNameSyntax identifier:
                    var symbol = _model.GetSymbolInfo(identifier).Symbol;
                    var type = symbol switch { ILocalSymbol l => l.Type, IParameterSymbol p => p.Type, IFieldSymbol { IsConst: true } f => f.Type, _ => null };
                    return type != null && (type.IsValueType || type.SpecialType == SpecialType.System_String);
                default:
                    return _model.GetConstantValue(value).HasValue;
            }
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

        private ISymbol? SymbolByName(int position) =>
            _model.LookupSymbols(position, name: _name).FirstOrDefault(s => s is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol)
            ?? (_isMember ? _model.GetEnclosingSymbol(position)?.ContainingType?.GetMembers(_name).FirstOrDefault(s => s is IFieldSymbol or IPropertySymbol) : null);

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
    }
}
