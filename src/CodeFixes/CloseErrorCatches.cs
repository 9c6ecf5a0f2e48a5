using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace CloseNotify.CodeFixes
{
    /// <summary>The catch clauses the TLS003 fixes write in place of one that swallows every error; comments and layout of
    /// the original clause are kept.</summary>
    internal sealed class CloseErrorCatches
    {
        // The benign types of a close (see TlsErrors): a reset or closed transport surfaces as IOException
        // (SocketException inside), a stream already closed as ObjectDisposedException.
        private static readonly ImmutableArray<string> BenignTypeNames = ImmutableArray.Create("System.IO.IOException", "System.ObjectDisposedException");

        private readonly SemanticModel _model;
        private readonly SyntaxGenerator _generator;
        private readonly CatchClauseSyntax _catch;

        public CloseErrorCatches(SemanticModel model, SyntaxGenerator generator, CatchClauseSyntax catchClause)
        {
            _model = model;
            _generator = generator;
            _catch = catchClause;
        }

        /// <summary><c>catch (Exception ex) when (TlsErrors.IsBenign(ex, stream))</c>, or without the runtime the same filter
        /// on the benign types; the caught type and variable are kept when the clause had them.</summary>
        public IReadOnlyList<CatchClauseSyntax>? BenignFilter(CloseTry facts, bool bcl)
        {
            var tlsErrors = _model.Compilation.GetTypeByMetadataName("CloseNotify.TlsErrors");
            if (tlsErrors == null && !bcl)
            {
                return null;
            }

            var declaration = _catch.Declaration;
            var name = ErrorName();
            var type = declaration?.Type ?? Type("System.Exception");

            // What ended the clause's header (usually the line break before the block) now ends the filter.
            var headerEnd = declaration?.GetTrailingTrivia() ?? _catch.CatchKeyword.TrailingTrivia;
            var newDeclaration = SyntaxFactory.CatchDeclaration(type.WithoutTrivia(), SyntaxFactory.Identifier(name))
                .WithLeadingTrivia(declaration?.GetLeadingTrivia() ?? default)
                .WithTrailingTrivia(SyntaxFactory.Space);
            var caught = declaration == null ? null : _model.GetTypeInfo(declaration.Type).Type;
            var caughtAggregate = caught?.Name == "AggregateException";

            // A catch (SystemException) never sees the AggregateException of Wait(): nothing to look inside there.
            var mayBeWrapped = caught == null || caughtAggregate || caught.SpecialType == SpecialType.System_Object || caught.Name == "Exception";
            ExpressionSyntax isBenign;
            if (bcl)
            {
                // Only Wait() and Result wrap a task's error in an AggregateException: look inside only where one may come.
                isBenign = new CloseStatements(_model.Compilation, _generator).BenignTypesFilter(
                    SyntaxFactory.IdentifierName(name), outer: !caughtAggregate, inner: mayBeWrapped && (caughtAggregate || facts.WrapsErrors), facts.Stream, facts.StreamMaybeNull);
            }
            else
            {
                var arguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(SyntaxFactory.IdentifierName(name)) };
                if (facts.Stream != null)
                {
                    // With the stream, a close on a stream that has no session (a failed handshake) is benign too.
                    arguments.Add(SyntaxFactory.Argument(facts.Stream));
                }

                isBenign = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Type(tlsErrors!), SyntaxFactory.IdentifierName("IsBenign")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
            }

            var filter = SyntaxFactory.CatchFilterClause(isBenign).WithTrailingTrivia(headerEnd);
            var keyword = declaration == null ? _catch.CatchKeyword.WithTrailingTrivia(SyntaxFactory.Space) : _catch.CatchKeyword;
            return new[] { _catch.WithCatchKeyword(keyword).WithDeclaration(newDeclaration).WithFilter(filter) };
        }

        /// <summary>One clause per benign type, each with the original body; null where an AggregateException is caught
        /// (the benign errors arrive wrapped: narrowing would let them escape) or earlier clauses take those types.</summary>
        public IReadOnlyList<CatchClauseSyntax>? NarrowToBenignTypes(TryStatementSyntax tryStatement)
        {
            var caught = _catch.Declaration == null ? null : _model.GetTypeInfo(_catch.Declaration.Type).Type;
            if (caught?.Name == "AggregateException")
            {
                return null;
            }

            var earlier = tryStatement.Catches.TakeWhile(c => c != _catch)
                .Where(c => c.Filter == null && c.Declaration != null)
                .Select(c => _model.GetTypeInfo(c.Declaration!.Type).Type)
                .Where(t => t != null)
                .ToList();
            var types = BenignTypeNames
                .Select(_model.Compilation.GetTypeByMetadataName)
                .Where(t => t != null && !earlier.Any(e => InheritsFrom(t, e!)))
                .ToList();
            if (types.Count == 0)
            {
                return null;
            }

            return types.Select((type, index) =>
            {
                // A bare `catch` ends its header on the keyword: that line break now follows the declaration.
                var headerEnd = _catch.Declaration?.GetTrailingTrivia() ?? _catch.CatchKeyword.TrailingTrivia;
                var clause = _catch
                    .WithCatchKeyword(_catch.Declaration == null ? _catch.CatchKeyword.WithTrailingTrivia() : _catch.CatchKeyword)
                    .WithDeclaration(SyntaxFactory.CatchDeclaration(Type(type!)).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(headerEnd))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return index == 0 ? clause : clause.WithLeadingTrivia(SyntaxFactory.ElasticMarker);
            }).ToList();
        }

        /// <summary>The swallowing statements give way to <c>throw;</c>; their comments stay.</summary>
        public CatchClauseSyntax Rethrow()
        {
            var statements = _catch.Block.Statements;
            var rethrow = SyntaxFactory.ThrowStatement();
            if (statements.Count > 0)
            {
                rethrow = rethrow.WithLeadingTrivia(statements.First().GetLeadingTrivia()).WithTrailingTrivia(statements.Last().GetTrailingTrivia());
            }

            return _catch.WithBlock(_catch.Block.WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(rethrow.WithAdditionalAnnotations(Formatter.Annotation))));
        }

        /// <summary>The same clause, the error reported (logger or Trace) before what it did (end the loop): code that must
        /// not throw makes the error visible instead.</summary>
        public CatchClauseSyntax ReportThenBody(string message)
        {
            var declaration = _catch.Declaration;
            var name = ErrorName();
            var newDeclaration = declaration == null
                ? SyntaxFactory.CatchDeclaration(Type("System.Exception"), SyntaxFactory.Identifier(name)).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(_catch.CatchKeyword.TrailingTrivia)
                : declaration.Identifier.IsKind(SyntaxKind.None)
                    ? declaration.WithType(declaration.Type.WithTrailingTrivia(SyntaxFactory.Space)).WithIdentifier(SyntaxFactory.Identifier(name).WithTrailingTrivia(declaration.Type.GetTrailingTrivia()))
                    : declaration;
            var report = CleanupLogger.Report(_model, _catch, name, message).WithAdditionalAnnotations(Formatter.Annotation);
            var block = _catch.Block.WithStatements(_catch.Block.Statements.Insert(0, report));
            var keyword = declaration == null ? _catch.CatchKeyword.WithTrailingTrivia() : _catch.CatchKeyword;
            return _catch.WithCatchKeyword(keyword).WithDeclaration(newDeclaration).WithBlock(block);
        }

        /// <summary><c>catch (Exception ex) { report }</c>, added last where nothing may escape.</summary>
        public CatchClauseSyntax ReportRest(string message)
        {
            var name = FreshNames.Exception(_model, _catch);
            var report = CleanupLogger.Report(_model, _catch, name, message);
            return SyntaxFactory.CatchClause(SyntaxFactory.CatchDeclaration(Type("System.Exception"), SyntaxFactory.Identifier(name)), null, SyntaxFactory.Block(report))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>The clause's own variable, or a new one.</summary>
        private string ErrorName() =>
            _catch.Declaration is { } declaration && !declaration.Identifier.IsKind(SyntaxKind.None)
                ? declaration.Identifier.ValueText
                : FreshNames.Exception(_model, _catch);

        private TypeSyntax Type(string metadataName) => Type(_model.Compilation.GetTypeByMetadataName(metadataName)!);

        private TypeSyntax Type(ITypeSymbol type) =>
            ((TypeSyntax)_generator.TypeExpression(type)).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);

        private static bool InheritsFrom(ITypeSymbol? type, ITypeSymbol baseType)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
