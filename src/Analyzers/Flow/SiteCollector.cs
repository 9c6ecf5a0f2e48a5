using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Collects disposal sites once each (loops and finally blocks are walked more than once) and turns them into TLS001 diagnostics.</summary>
    internal sealed class SiteCollector
    {
        private readonly Dictionary<(SyntaxNode, int), DisposalSite> _sites = new Dictionary<(SyntaxNode, int), DisposalSite>();
        private readonly EntityTable _entities;
        private readonly bool _isField;

        public SiteCollector(EntityTable entities, bool isField)
        {
            _entities = entities;
            _isField = isField;
        }

        public void Add(DisposalSite site) => _sites[(site.Syntax, site.Entity)] = site;

        /// <summary>Reports the sites (those inside <paramref name="within"/> when given).</summary>
        public void Report(Action<Diagnostic> report, SyntaxNode? within)
        {
            foreach (var site in _sites.Values.OrderBy(s => s.Syntax.SpanStart))
            {
                if (within != null && (site.Syntax.SyntaxTree != within.SyntaxTree || !within.Span.Contains(site.Syntax.Span)))
                {
                    continue;
                }

                var name = _entities.Entities[site.Entity].Name;
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(DisposedWithoutCloseNotifyAnalyzer.KindProperty, site.Kind.ToString())
                    .Add(DisposedWithoutCloseNotifyAnalyzer.NameProperty, name)
                    .Add(DisposedWithoutCloseNotifyAnalyzer.EntityProperty, _isField ? "Field" : "Local");
                report(Diagnostic.Create(Descriptors.DisposedWithoutCloseNotify, site.Syntax.GetLocation(), properties, name));
            }
        }
    }
}
