using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Where a method's own TLS locals got their stream, read from the values the method assigns them.</summary>
    internal sealed class LocalOrigins
    {
        private readonly Dictionary<int, TlsOrigin> _origins = new Dictionary<int, TlsOrigin>();
        private readonly Dictionary<int, ISymbol> _sources = new Dictionary<int, ISymbol>();

        private readonly EntityTable _entities;

        public LocalOrigins(CompilationFlow flow, ISymbol owner, IOperation root, EntityTable entities)
        {
            _entities = entities;
            var nodes = new List<Node>();
            foreach (var operation in root.Descendants())
            {
                var (target, value) = operation switch
                {
                    IVariableDeclaratorOperation { Initializer: { } initializer } declarator => (entities.IndexOf(declarator.Symbol), initializer.Value),
                    ISimpleAssignmentOperation assignment => (entities.IndexOf(assignment.Target), assignment.Value),
                    _ => (-1, null),
                };
                if (target < 0 || value == null || _origins.ContainsKey(target))
                {
                    continue;
                }

                nodes.Clear();
                flow.Sources.Add(value, nodes, owner);
                foreach (var node in nodes)
                {
                    if (node.Kind == NodeKind.Origin)
                    {
                        _origins[target] = (TlsOrigin)node.Key;
                        break;
                    }

                    if (node.Symbol is { } symbol and not ILocalSymbol && !_sources.ContainsKey(target))
                    {
                        _sources[target] = symbol;
                    }
                }
            }
        }

        /// <summary>The type the stream was created as (a subclass may close itself), when the method creates it.</summary>
        public ITypeSymbol? CreatedType(int entity) => _origins.TryGetValue(_entities.RootOf(entity), out var origin) ? origin.Type : null;

        /// <summary>The message's clause: "it holds the SslStream created in Client.SendAsync (Client.cs:12)".</summary>
        public string Clause(int entity)
        {
            entity = _entities.RootOf(entity);
            if (_origins.TryGetValue(entity, out var origin))
            {
                return "it holds " + origin.Describe();
            }

            return _sources.TryGetValue(entity, out var source)
                ? "it holds " + TlsOrigin.Declared(source, ValueSources.TypeOf(source)).Describe()
                : "it holds an SslStream";
        }
    }
}
