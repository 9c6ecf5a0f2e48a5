using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The operation trees of a type's members, read through the semantic model of the tree being
    /// analyzed, for the rare checks that need the whole type (is this Stream field ever given an
    /// SslStream? is the socket made non-blocking?). Parts of a partial type in other files are not read.
    /// </summary>
    internal static class TypeBodies
    {
        public static List<IOperation> InTree(INamedTypeSymbol type, SemanticModel model, CancellationToken cancellationToken)
        {
            var bodies = new List<IOperation>();
            foreach (var (_, body) in WithOwners(type, model, cancellationToken))
            {
                bodies.Add(body);
            }

            return bodies;
        }

        /// <summary>Each member body with the method or accessor it belongs to (null for initializers).</summary>
        public static List<(IMethodSymbol? Owner, IOperation Body)> WithOwners(INamedTypeSymbol type, SemanticModel model, CancellationToken cancellationToken)
        {
            var nodes = new List<SyntaxNode>();
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == model.SyntaxTree && reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration)
                {
                    foreach (var member in declaration.Members)
                    {
                        AddBodies(member, nodes);
                    }
                }
            }

            var bodies = new List<(IMethodSymbol?, IOperation)>(nodes.Count);
            foreach (var node in nodes)
            {
                if (model.GetOperation(node, cancellationToken) is { } operation)
                {
                    bodies.Add((model.GetDeclaredSymbol(node, cancellationToken) as IMethodSymbol, operation));
                }
            }

            return bodies;
        }

        private static void AddBodies(MemberDeclarationSyntax member, List<SyntaxNode> into)
        {
            switch (member)
            {
                case BaseMethodDeclarationSyntax method:
                    into.Add(method);
                    break;
                case BasePropertyDeclarationSyntax property:
                    if (property.AccessorList != null)
                    {
                        into.AddRange(property.AccessorList.Accessors);
                    }

                    if (property is PropertyDeclarationSyntax { ExpressionBody: { } arrow })
                    {
                        into.Add(arrow);
                    }

                    if (property is PropertyDeclarationSyntax { Initializer: { } initializer })
                    {
                        into.Add(initializer);
                    }

                    break;
                case BaseFieldDeclarationSyntax field:
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (variable.Initializer != null)
                        {
                            into.Add(variable.Initializer);
                        }
                    }

                    break;
            }
        }
    }
}
