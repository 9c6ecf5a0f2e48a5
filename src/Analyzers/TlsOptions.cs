using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// What one compilation cannot see, said in .editorconfig with the NetAnalyzers key scheme
    /// (<c>dotnet_code_quality.TLS001.&lt;option&gt;</c>, or <c>dotnet_code_quality.&lt;option&gt;</c> for every rule):
    /// <list type="bullet">
    /// <item><c>closing_methods</c>: methods (of any assembly) that close the stream they are given, as an argument or
    /// as their instance: a call is a TLS close.</item>
    /// <item><c>disposing_owner_types</c>: types (of another assembly, usually) that take over a stream given to their
    /// constructor and dispose it with themselves, without close_notify: disposing one disposes the stream, as a
    /// StreamReader does.</item>
    /// </list>
    /// Names are documentation IDs (<c>M:Ns.Type.Method</c>, <c>T:Ns.Type</c>), full names (<c>Ns.Type.Method</c>)
    /// or short ones (<c>Type.Method</c>, <c>Method</c>), separated by <c>|</c> or <c>,</c>.
    /// </summary>
    internal sealed class TlsOptions
    {
        public const string ClosingMethodsKey = "closing_methods";
        public const string DisposingOwnerTypesKey = "disposing_owner_types";

        private readonly ImmutableArray<string> _closingMethods;
        private readonly ImmutableArray<string> _ownerTypes;

        private TlsOptions(ImmutableArray<string> closingMethods, ImmutableArray<string> ownerTypes)
        {
            _closingMethods = closingMethods;
            _ownerTypes = ownerTypes;
        }

        public static TlsOptions None { get; } = new TlsOptions(ImmutableArray<string>.Empty, ImmutableArray<string>.Empty);

        public bool IsEmpty => _closingMethods.IsEmpty && _ownerTypes.IsEmpty;

        /// <summary>Reads the options of every file of the compilation and the global ones (values are merged).</summary>
        public static TlsOptions Read(AnalyzerOptions? options, Compilation compilation)
        {
            if (options == null)
            {
                return None;
            }

            var all = new List<AnalyzerConfigOptions> { options.AnalyzerConfigOptionsProvider.GlobalOptions };
            all.AddRange(compilation.SyntaxTrees.Select(options.AnalyzerConfigOptionsProvider.GetOptions));
            var closing = Names(all, ClosingMethodsKey);
            var owners = Names(all, DisposingOwnerTypesKey);
            return closing.IsEmpty && owners.IsEmpty ? None : new TlsOptions(closing, owners);
        }

        public bool IsClosingMethod(IMethodSymbol method) =>
            !_closingMethods.IsEmpty && (Matches(_closingMethods, method) || Matches(_closingMethods, method.ContainingType));

        public bool IsDisposingOwner(ITypeSymbol type) => !_ownerTypes.IsEmpty && Matches(_ownerTypes, type);

        private static ImmutableArray<string> Names(List<AnalyzerConfigOptions> all, string key)
        {
            var names = ImmutableArray.CreateBuilder<string>();
            foreach (var options in all)
            {
                foreach (var fullKey in new[] { "dotnet_code_quality." + RuleIdentifiers.DisposedWithoutCloseNotify + "." + key, "dotnet_code_quality." + key })
                {
                    if (options.TryGetValue(fullKey, out var value))
                    {
                        foreach (var name in value.Split(new[] { '|', ',' }, StringSplitOptions.RemoveEmptyEntries))
                        {
                            var trimmed = name.Trim();
                            if (trimmed.Length > 0 && !names.Contains(trimmed))
                            {
                                names.Add(trimmed);
                            }
                        }
                    }
                }
            }

            return names.ToImmutable();
        }

        private static bool Matches(ImmutableArray<string> names, ISymbol symbol)
        {
            var id = symbol.OriginalDefinition.GetDocumentationCommentId() ?? string.Empty;
            var withoutParameters = id.IndexOf('(') is var open && open > 0 ? id.Substring(0, open) : id;
            var full = id.Length > 2 ? withoutParameters.Substring(2) : symbol.Name;
            foreach (var name in names)
            {
                if (name.Length > 2 && name[1] == ':'
                        ? string.Equals(name, id, StringComparison.Ordinal) || string.Equals(name, withoutParameters, StringComparison.Ordinal)
                        : string.Equals(name, full, StringComparison.Ordinal) || full.EndsWith("." + name, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
