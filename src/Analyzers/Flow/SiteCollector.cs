using System;
using System.Collections.Generic;
using System.Collections.Immutable;
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

        public bool IsEmpty => _sites.Count == 0;

        /// <summary>Reports the sites at exactly <paramref name="node"/>: the analyzer reports each site from the
        /// operation that is that site, so that every diagnostic is local to the operation that raised it.</summary>
        public void ReportAt(Action<Diagnostic> report, SyntaxNode node)
        {
            foreach (var site in _sites.Values)
            {
                if (site.Syntax == node)
                {
                    Report(report, site);
                }
            }
        }

        private void Report(Action<Diagnostic> report, DisposalSite site)
        {
            var name = _entities.Entities[site.Entity].Name;
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(DisposedWithoutCloseNotifyAnalyzer.KindProperty, site.Kind.ToString())
                .Add(DisposedWithoutCloseNotifyAnalyzer.NameProperty, name)
                .Add(DisposedWithoutCloseNotifyAnalyzer.EntityProperty, _isField ? "Field" : "Local");
            report(Diagnostic.Create(Descriptors.DisposedWithoutCloseNotify, site.Syntax.GetLocation(), properties, name));
        }
    }
}
