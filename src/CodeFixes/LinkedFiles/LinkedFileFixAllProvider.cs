using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace CloseNotify.CodeFixes.LinkedFiles
{
    /// <summary>A rule's Fix All, then one text for every target framework's copy of each file it changed
    /// (<see cref="LinkedDocumentMerge"/>): dotnet format on a multi-targeted project writes no merge conflict.</summary>
    internal sealed class LinkedFileFixAllProvider : FixAllProvider
    {
        private readonly FixAllProvider _inner;

        private LinkedFileFixAllProvider(FixAllProvider inner) => _inner = inner;

        /// <summary>As <see cref="FixAllProvider.Create(Func{FixAllContext, Document, ImmutableArray{Diagnostic}, Task{Document}})"/>:
        /// each document fixed with its own project's diagnostics, then the linked copies merged.</summary>
        public static FixAllProvider ForDocuments(Func<FixAllContext, Document, ImmutableArray<Diagnostic>, Task<Document?>> fixAllAsync) =>
            new LinkedFileFixAllProvider(FixAllProvider.Create(fixAllAsync));

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => _inner.GetSupportedFixAllScopes();

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var action = await _inner.GetFixAsync(fixAllContext).ConfigureAwait(false);
            if (action == null)
            {
                return null;
            }

            var original = fixAllContext.Solution;
            return CodeAction.Create(
                action.Title,
                async cancellationToken =>
                {
                    var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
                    var changed = operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution;
                    return changed == null ? original : await LinkedDocumentMerge.MergeAsync(original, changed, cancellationToken).ConfigureAwait(false);
                },
                action.EquivalenceKey);
        }
    }
}
