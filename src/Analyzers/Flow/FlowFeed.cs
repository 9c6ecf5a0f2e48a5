using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Feeds the flow model when TLS001 did not (TLS001 turned off, or <c>dotnet format --diagnostics TLS003</c>, which
    /// runs TLS003's analyzer alone): every member body of the compilation, read through its semantic model, handed to
    /// the same collector the driver's operations go to. It costs a walk of the compilation that TLS001's operation
    /// action spares when it runs, so it is only done at the end of a compilation with a try that needs the model.
    /// </summary>
    internal static class FlowFeed
    {
        public static void RecordAll(CompilationFlow flow, Compilation compilation, CancellationToken cancellationToken)
        {
            var kinds = new HashSet<OperationKind>(BodyFactCollector.Kinds);
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = compilation.GetSemanticModel(tree);
                foreach (var (node, owner) in Bodies(tree.GetRoot(cancellationToken), model, cancellationToken))
                {
                    if (model.GetOperation(node, cancellationToken) is not { } body)
                    {
                        continue;
                    }

                    foreach (var operation in body.DescendantsAndSelf())
                    {
                        if (kinds.Contains(operation.Kind))
                        {
                            flow.Record(operation, owner);
                        }
                    }
                }
            }
        }

        /// <summary>The roots the driver hands over with the symbol it names as their owner: members with bodies, field
        /// and property initializers (lambdas and local functions are inside their member's body).</summary>
        private static IEnumerable<(SyntaxNode Node, ISymbol Owner)> Bodies(SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var member in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax).OfType<MemberDeclarationSyntax>())
            {
                switch (member)
                {
                    case BaseMethodDeclarationSyntax method when model.GetDeclaredSymbol(method, cancellationToken) is { } symbol:
                        yield return (method, symbol);
                        break;
                    case BasePropertyDeclarationSyntax property when model.GetDeclaredSymbol(property, cancellationToken) is { } symbol:
                        foreach (var accessor in property.AccessorList?.Accessors ?? default)
                        {
                            if (model.GetDeclaredSymbol(accessor, cancellationToken) is { } accessorSymbol)
                            {
                                yield return (accessor, accessorSymbol);
                            }
                        }

                        if (property is PropertyDeclarationSyntax { ExpressionBody: { } arrow } && symbol is IPropertySymbol { GetMethod: { } getter })
                        {
                            yield return (arrow, getter);
                        }

                        if (property is PropertyDeclarationSyntax { Initializer: { } initializer })
                        {
                            yield return (initializer, symbol);
                        }

                        break;
                    case BaseFieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables)
                        {
                            if (variable.Initializer != null && model.GetDeclaredSymbol(variable, cancellationToken) is { } fieldSymbol)
                            {
                                yield return (variable.Initializer, fieldSymbol);
                            }
                        }

                        break;
                }
            }
        }
    }
}
