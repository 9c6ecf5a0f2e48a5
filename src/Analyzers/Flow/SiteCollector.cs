using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Collects disposal sites once each (loops, finally blocks and inlined helpers are walked more than once)
    /// and turns them into TLS001 diagnostics.</summary>
    internal sealed class SiteCollector
    {
        private readonly Dictionary<(SyntaxNode, int), DisposalSite> _sites = new Dictionary<(SyntaxNode, int), DisposalSite>();
        private readonly KnownSymbols _symbols;
        private readonly EntityTable _entities;
        private readonly DiagnosticDescriptor _descriptor;
        private readonly Func<int, string> _origin;

        // origin: where the entity's stream comes from, as the message's clause ("it may hold the SslStream created in ...").
        public SiteCollector(KnownSymbols symbols, EntityTable entities, DiagnosticDescriptor descriptor, Func<int, string> origin)
        {
            _symbols = symbols;
            _entities = entities;
            _descriptor = descriptor;
            _origin = origin;
        }

        public void Add(DisposalSite site) => _sites[(site.Syntax, site.Entity)] = site;

        public bool IsEmpty => _sites.Count == 0;

        /// <summary>The diagnostics, in source order (each site once, whatever walk found it first).</summary>
        public IEnumerable<Diagnostic> Diagnostics() =>
            _sites.Values.OrderBy(s => s.Syntax.SpanStart).ThenBy(s => s.Entity).Select(Create);

        /// <summary>The diagnostics with the stream each disposes (the root of its group) and whether the code disposes it
        /// there by completing a pipe over it.</summary>
        public IEnumerable<(Diagnostic Diagnostic, ISymbol Stream, bool ThroughPipe)> Entries() =>
            _sites.Values.OrderBy(s => s.Syntax.SpanStart).ThenBy(s => s.Entity)
                .Select(s => (Create(s), _entities.Entities[_entities.RootOf(s.Entity)], IsPipe(s.Subject)));

        private bool IsPipe(ISymbol? subject) => subject != null && ValueSources.TypeOf(subject) is { } type && _symbols.PipeTypes.Contains(type.OriginalDefinition);

        private Diagnostic Create(DisposalSite site)
        {
            var entity = _entities.Entities[_entities.RootOf(site.Entity)];

            // The code names an alias there (a cast, a copy): the message and the fix use that name, unless the alias is
            // an owner (a StreamReader), which the fix cannot close: then the stream itself.
            var subject = site.Subject != null && _symbols.CanHoldSslStream(ValueSources.TypeOf(site.Subject)) ? site.Subject : entity;
            var named = site.Subject ?? entity;
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(DisposedWithoutCloseNotifyAnalyzer.KindProperty, site.Kind.ToString())
                .Add(DisposedWithoutCloseNotifyAnalyzer.NameProperty, subject.Name)
                .Add(DisposedWithoutCloseNotifyAnalyzer.EntityProperty, EntityKind(subject))
                .Add(DisposedWithoutCloseNotifyAnalyzer.TypedProperty, _symbols.IsSslStream(ValueSources.TypeOf(subject)) ? "SslStream" : "Stream");

            // A pipe gives no access to the stream it owns: pipes made over a stream the code does not keep itself (a
            // constructor's parameter) name nothing a fix could close, so no target is given and no fix is offered.
            if (!IsPipe(subject))
            {
                properties = properties.Add(DisposedWithoutCloseNotifyAnalyzer.TargetProperty, subject.Name);
            }

            var origin = _origin(site.Entity);
            properties = properties.Add(DisposedWithoutCloseNotifyAnalyzer.OriginProperty, origin);
            return Diagnostic.Create(_descriptor, site.Syntax.GetLocation(), properties, named.Name, origin);
        }

        private static string EntityKind(ISymbol symbol) => symbol switch
        {
            IFieldSymbol => "Field",
            IPropertySymbol => "Property",
            IParameterSymbol => "Parameter",
            _ => "Local",
        };
    }
}
