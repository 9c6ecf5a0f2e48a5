using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Edges between a member and the members it overrides or implements: what an implementation returns, a call
    /// through the interface or base returns; what a caller passes through the interface, the implementation
    /// receives. Only members whose signature can carry a stream are looked at.
    /// </summary>
    internal static class MemberLinks
    {
        /// <summary>Links the members of <paramref name="types"/>: the types whose bodies the model read (an implementation
        /// that returns or stores a stream has a body that says so).</summary>
        public static void Add(IEnumerable<INamedTypeSymbol> types, ValueSources sources, List<(Node Target, Node Source)> edges, List<(Node Property, Node Field)> aliases, CancellationToken cancellationToken)
        {
            foreach (var type in types)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (type.TypeKind is TypeKind.Class or TypeKind.Struct)
                {
                    LinkType(type, sources, edges, aliases);
                }
            }
        }

        private static void LinkType(INamedTypeSymbol type, ValueSources sources, List<(Node, Node)> edges, List<(Node, Node)> aliases)
        {
            foreach (var member in type.GetMembers())
            {
                switch (member)
                {
                    case IMethodSymbol { OverriddenMethod: { } overridden } method when Carries(method, sources):
                        LinkMethods(method, overridden, sources, edges);
                        break;
                    case IPropertySymbol { OverriddenProperty: { } overridden } property when sources.IsRelevant(property.Type):
                        LinkProperties(property, overridden, edges, aliases);
                        break;
                }

                if (member is IMethodSymbol withExplicit)
                {
                    foreach (var implemented in withExplicit.ExplicitInterfaceImplementations)
                    {
                        if (Carries(withExplicit, sources))
                        {
                            LinkMethods(withExplicit, implemented, sources, edges);
                        }
                    }
                }
                else if (member is IPropertySymbol propertyWithExplicit && sources.IsRelevant(propertyWithExplicit.Type))
                {
                    foreach (var implemented in propertyWithExplicit.ExplicitInterfaceImplementations)
                    {
                        LinkProperties(propertyWithExplicit, implemented, edges, aliases);
                    }
                }
            }

            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers())
                {
                    switch (member)
                    {
                        case IMethodSymbol { MethodKind: MethodKind.Ordinary } method when Carries(method, sources)
                            && type.FindImplementationForInterfaceMember(method) is IMethodSymbol implementation
                            && implementation.ExplicitInterfaceImplementations.IsEmpty:
                            LinkMethods(implementation, method, sources, edges);
                            break;
                        case IPropertySymbol property when sources.IsRelevant(property.Type)
                            && type.FindImplementationForInterfaceMember(property) is IPropertySymbol implementation
                            && implementation.ExplicitInterfaceImplementations.IsEmpty:
                            LinkProperties(implementation, property, edges, aliases);
                            break;
                    }
                }
            }
        }

        private static bool Carries(IMethodSymbol method, ValueSources sources)
        {
            if (sources.IsRelevant(method.ReturnType) || Tuples.Arity(sources, method.ReturnType) > 0)
            {
                return true;
            }

            foreach (var parameter in method.Parameters)
            {
                if (sources.IsRelevant(parameter.Type))
                {
                    return true;
                }
            }

            return false;
        }

        private static void LinkMethods(IMethodSymbol implementation, IMethodSymbol declared, ValueSources sources, List<(Node, Node)> edges)
        {
            Link(declared, implementation, declared.ReturnType, edges);
            for (var i = Tuples.Arity(sources, declared.ReturnType) - 1; i >= 0; i--)
            {
                edges.Add((Node.ItemOf(declared, i), Node.ItemOf(implementation, i)));
            }

            for (var i = 0; i < implementation.Parameters.Length && i < declared.Parameters.Length; i++)
            {
                Link(implementation.Parameters[i], declared.Parameters[i], declared.Parameters[i].Type, edges);
            }
        }

        /// <summary>A property and the one it implements are one place: values flow both ways.</summary>
        private static void LinkProperties(IPropertySymbol implementation, IPropertySymbol declared, List<(Node, Node)> edges, List<(Node, Node)> aliases)
        {
            Link(declared, implementation, declared.Type, edges);
            Link(implementation, declared, declared.Type, edges);
            aliases.Add((Node.Of(declared), Node.Of(implementation)));
        }

        /// <summary>target ← source, and for a delegate what the target produces ← what the source produces (a filter
        /// handed to an interface method reaches the implementation's parameter that invokes it).</summary>
        private static void Link(ISymbol target, ISymbol source, ITypeSymbol type, List<(Node, Node)> edges)
        {
            edges.Add((Node.Of(target), Node.Of(source)));
            if (type.TypeKind == TypeKind.Delegate)
            {
                edges.Add((Node.ProducedBy(target), Node.ProducedBy(source)));
            }
        }
    }
}
