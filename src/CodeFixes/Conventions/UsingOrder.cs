using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.CodeFixes.Conventions
{
    /// <summary>The order a file keeps its usings in: System first or alphabetical, as its own (unconditional) usings
    /// show; .editorconfig's dotnet_sort_system_directives_first when they fit both or neither.</summary>
    internal sealed class UsingOrder : IComparer<string>
    {
        private readonly bool _systemFirst;
        private readonly bool? _separateGroups;

        public UsingOrder(IReadOnlyList<string> names, AnalyzerConfigOptions? options)
        {
            var systemFirst = names.SequenceEqual(names.OrderBy(n => n, Comparer(systemFirst: true)));
            var alphabetical = names.SequenceEqual(names.OrderBy(n => n, Comparer(systemFirst: false)));
            _systemFirst = systemFirst != alphabetical ? systemFirst : FileConventions.Option(options, "dotnet_sort_system_directives_first") ?? true;
            _separateGroups = FileConventions.Option(options, "dotnet_separate_import_directive_groups");
        }

        public int Compare(string? x, string? y) => Comparer(_systemFirst).Compare(x, y);

        /// <summary>Whether the file keeps one group per root namespace (System / Microsoft / its own...), so that a new
        /// root namespace opens a group of its own: .editorconfig says so, or three groups or more each of one root, or
        /// two of one root each with no System among them (System, then the rest, is one group for the rest).</summary>
        public bool GroupsByRoot(IReadOnlyList<IReadOnlyList<string>> rootsPerGroup)
        {
            if (_separateGroups != null)
            {
                return _separateGroups.Value;
            }

            return rootsPerGroup.All(g => g.Count == 1)
                && (rootsPerGroup.Count >= 3 || rootsPerGroup.Count == 2 && !rootsPerGroup.Any(g => g[0] == "System"));
        }

        private static IComparer<string?> Comparer(bool systemFirst) => Comparer<string?>.Create((x, y) =>
        {
            if (systemFirst)
            {
                var bySystem = (UsingPlacement.IsSystem(x ?? "") ? 0 : 1).CompareTo(UsingPlacement.IsSystem(y ?? "") ? 0 : 1);
                if (bySystem != 0)
                {
                    return bySystem;
                }
            }

            var byName = string.Compare(x, y, StringComparison.OrdinalIgnoreCase);
            return byName != 0 ? byName : string.CompareOrdinal(x, y);
        });
    }
}
