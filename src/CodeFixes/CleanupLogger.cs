using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// How cleanup code reports an error it must not rethrow: through the library's own logger when one is in scope,
    /// otherwise <c>Trace.TraceError</c>. Recognised, in this order: a parameter of the method, then a field or property of
    /// the type or its bases (static ones only in static code), whose type is
    /// <list type="bullet">
    /// <item><description>Microsoft.Extensions.Logging's <c>ILogger</c> or <c>ILogger&lt;T&gt;</c> (or implements it):
    /// <c>logger.LogError(error, "...")</c>;</description></item>
    /// <item><description>another logger, a type named <c>…Logger</c> or <c>…Log</c> with an <c>Error</c> or <c>LogError</c>
    /// method taking the exception and a message in either order (Serilog and NLog <c>Error(Exception, string)</c>,
    /// log4net <c>Error(object, Exception)</c>, a library's own <c>IInternalLogger.Error(string, Exception)</c>).</description></item>
    /// </list>
    /// Failing those, a static logging class (named <c>…Logger</c> or <c>…Log</c>) whose static <c>Error</c> or
    /// <c>LogError</c>(message, exception) the type already calls: a library's own facade (an EventSource behind
    /// <c>Log.Error("...", ex)</c>) is where its maintainers look, and Trace is not.
    /// </summary>
    internal static class CleanupLogger
    {
        private const string LoggingNamespace = "Microsoft.Extensions.Logging";
        private const string LoggerInterface = LoggingNamespace + ".ILogger";

        /// <summary>The statement that reports <paramref name="errorName"/> at <paramref name="at"/>.</summary>
        public static StatementSyntax Report(SemanticModel model, SyntaxNode at, string errorName, string message)
        {
            var error = IdentifierName(errorName);
            var text = LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(message));
            var found = Find(model, at);
            // An #if that imports the logging namespace for other builds only: a using added for this one would sit beside
            // it there once dotnet format merges the builds (CS0105), and without one no ILogger extension binds.
            if (found == null || (found.Value.Extension && CodeFixCleanup.ConditionalImports(at.SyntaxTree.GetRoot()).Contains(LoggingNamespace)))
            {
                var trace = QualifiedType("System.Diagnostics.Trace");
                var format = LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(message + ": {0}"));
                return ExpressionStatement(Invoke(trace, "TraceError", format, error));
            }

            var (member, method, extension) = found.Value;
            var target = Target(model, at, member);
            ExpressionSyntax[] arguments;
            string name;
            string? imports = null;
            if (extension)
            {
                // LogError, as code over ILogger writes it. It is an extension of Microsoft.Extensions.Logging, which a
                // name cannot bring in: where the namespace is not imported the fix asks for its using (see
                // CodeFixCleanup.ImportAnnotation).
                name = "LogError";
                arguments = new ExpressionSyntax[] { error, text };
                var imported = model.LookupSymbols(at.SpanStart, container: TypeOf(member), name: name, includeReducedExtensionMethods: true).Any();
                imports = imported ? null : LoggingNamespace;
            }
            else
            {
                name = method!.Name;
                arguments = method.Parameters.Take(2).Select(p => IsException(p.Type) ? (ExpressionSyntax)error : text).ToArray();
            }

            var argumentList = ArgumentList(SeparatedList(arguments.Select(Argument)));
            ExpressionSyntax call = IsNullable(model, member)
                ? ConditionalAccessExpression(target, InvocationExpression(MemberBindingExpression(IdentifierName(name)), argumentList))
                : InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(name)), argumentList);
            var statement = ExpressionStatement(call);
            return imports == null ? statement : statement.WithAdditionalAnnotations(CodeFixCleanup.ImportAnnotation(imports));
        }

        /// <summary>The logger in scope at <paramref name="at"/>: the member, and the method to call on it (null for the
        /// ILogger extension).</summary>
        private static (ISymbol Member, IMethodSymbol? Method, bool Extension)? Find(SemanticModel model, SyntaxNode at)
        {
            var loggerInterface = model.Compilation.GetTypeByMetadataName(LoggerInterface);
            var enclosing = model.GetEnclosingSymbol(at.SpanStart);
            while (enclosing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                enclosing = enclosing.ContainingSymbol;
            }

            if (enclosing is not IMethodSymbol method || method.ContainingType == null)
            {
                return null;
            }

            foreach (var candidate in Candidates(model, at, method))
            {
                var type = TypeOf(candidate);
                if (loggerInterface != null && (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, loggerInterface)
                    || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, loggerInterface))))
                {
                    return (candidate, null, true);
                }

                if (IsLoggerName(type))
                {
                    var errorMethod = ErrorMethod(model, at, type);
                    if (errorMethod != null)
                    {
                        return (candidate, errorMethod, false);
                    }
                }
            }

            return StaticFacade(model, at, method.ContainingType);
        }

        /// <summary>The static <c>Error</c>/<c>LogError</c> of a logging class that <paramref name="type"/> already calls.</summary>
        private static (ISymbol Member, IMethodSymbol? Method, bool Extension)? StaticFacade(SemanticModel model, SyntaxNode at, INamedTypeSymbol type)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax();
                var declarationModel = declaration.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(declaration.SyntaxTree);
                foreach (var invocation in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Error" or "LogError" }
                        && declarationModel.GetSymbolInfo(invocation).Symbol is IMethodSymbol { IsStatic: true, IsExtensionMethod: false, MethodKind: MethodKind.Ordinary } called
                        && IsLoggerName(called.ContainingType) && IsErrorSignature(called) && model.IsAccessible(at.SpanStart, called))
                    {
                        return (called.ContainingType, called, false);
                    }
                }
            }

            return null;
        }

        /// <summary>Is the logger member called null-safely: annotated nullable, or (where nullability is not annotated)
        /// read with <c>?.</c> elsewhere in its type, as code that may run without a logger does (<c>Logger?.LogError</c>).
        /// A report that throws NullReferenceException from the last catch would skip the rest of the close.</summary>
        private static bool IsNullable(SemanticModel model, ISymbol member)
        {
            var type = TypeOf(member);
            if (type.NullableAnnotation != NullableAnnotation.None || member is INamedTypeSymbol or IParameterSymbol)
            {
                return type.NullableAnnotation == NullableAnnotation.Annotated;
            }

            foreach (var reference in member.ContainingType.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax();
                var declarationModel = declaration.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(declaration.SyntaxTree);
                if (declaration.DescendantNodes().OfType<ConditionalAccessExpressionSyntax>().Any(access =>
                    SymbolEqualityComparer.Default.Equals(declarationModel.GetSymbolInfo(access.Expression).Symbol, member)))
                {
                    return true;
                }
            }

            return false;
        }

        private static IEnumerable<ISymbol> Candidates(SemanticModel model, SyntaxNode at, IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                yield return parameter;
            }

            for (var type = method.ContainingType; type != null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol { IsIndexer: false }
                        && (member.IsStatic || !method.IsStatic)
                        && model.IsAccessible(at.SpanStart, member))
                    {
                        yield return member;
                    }
                }
            }
        }

        /// <summary>An accessible instance <c>Error</c>/<c>LogError</c>(exception, message) in either order, or such an
        /// extension method in scope.</summary>
        private static IMethodSymbol? ErrorMethod(SemanticModel model, SyntaxNode at, ITypeSymbol type)
        {
            var types = new[] { type }.Concat(type.AllInterfaces);
            for (var t = type.BaseType; t != null; t = t.BaseType)
            {
                types = types.Append(t);
            }

            // Else an extension method the file already imports (a library's own logger with its Error overloads in an
            // extensions class): it binds where the fix writes the call, no using needed.
            return types
                .SelectMany(t => t.GetMembers())
                .OfType<IMethodSymbol>()
                .FirstOrDefault(m => m.Name is "Error" or "LogError" && !m.IsStatic && m.MethodKind == MethodKind.Ordinary
                    && IsErrorSignature(m) && model.IsAccessible(at.SpanStart, m))
                ?? new[] { "Error", "LogError" }
                    .SelectMany(name => model.LookupSymbols(at.SpanStart, container: type, name: name, includeReducedExtensionMethods: true))
                    .OfType<IMethodSymbol>()
                    .FirstOrDefault(m => m.ReducedFrom != null && !m.IsGenericMethod && IsErrorSignature(m));
        }

        private static bool IsLoggerName(ITypeSymbol type) =>
            type.Name.EndsWith("Logger", System.StringComparison.Ordinal) || type.Name.EndsWith("Log", System.StringComparison.Ordinal);

        /// <summary>(exception, message) or (message, exception), then only optional or params parameters.</summary>
        private static bool IsErrorSignature(IMethodSymbol m) =>
            m.Parameters.Length >= 2 && m.Parameters.Skip(2).All(p => p.IsParams || p.IsOptional)
            && ((IsException(m.Parameters[0].Type) && IsMessage(m.Parameters[1].Type))
                || (IsMessage(m.Parameters[0].Type) && IsException(m.Parameters[1].Type)));

        private static ExpressionSyntax Target(SemanticModel model, SyntaxNode at, ISymbol member)
        {
            if (member is INamedTypeSymbol facade)
            {
                return QualifiedType(facade.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Substring("global::".Length));
            }

            var name = IdentifierName(member.Name);
            if (member is IParameterSymbol || member.IsStatic)
            {
                return name;
            }

            // this. where the type writes it, or where a local or parameter of the same name hides the member.
            var visible = model.LookupSymbols(at.SpanStart, name: member.Name).FirstOrDefault();
            return AsyncContext.UsesThisPrefix(at) || !SymbolEqualityComparer.Default.Equals(visible, member)
                ? MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ThisExpression(), name)
                : name;
        }

        private static ITypeSymbol TypeOf(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            IParameterSymbol parameter => parameter.Type,
            ITypeSymbol type => type,
            _ => throw new System.ArgumentException("not a value", nameof(member)),
        };

        private static bool IsException(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: "Exception", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        private static bool IsMessage(ITypeSymbol type) => type.SpecialType is SpecialType.System_String or SpecialType.System_Object;

        private static ExpressionSyntax QualifiedType(string metadataName) =>
            ParseName("global::" + metadataName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        private static InvocationExpressionSyntax Invoke(ExpressionSyntax receiver, string method, params ExpressionSyntax[] arguments) =>
            InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName(method)),
                ArgumentList(SeparatedList(arguments.Select(Argument))));
    }
}
