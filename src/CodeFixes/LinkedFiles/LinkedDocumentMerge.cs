using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes.LinkedFiles
{
    /// <summary>
    /// One text for every target framework's copy of a file. A multi-targeted project is loaded as one project per
    /// framework, all linking the same file; Fix All fixes each copy with that framework's diagnostics, and each framework
    /// sees a different #if branch, so the copies come back different. Roslyn then merges them against the text it
    /// loaded with a syntax diff that can join a fix in one framework's active branch and a fix every framework made a
    /// few lines below into one change; the others' (identical) fix then overlaps it and the file gets "Unmerged change
    /// from project" conflict blocks (dotnet format writes them to disk). Merged here line by line, the copies come out
    /// identical, and Roslyn takes identical copies as they are.
    /// </summary>
    internal static class LinkedDocumentMerge
    {
        /// <summary><paramref name="changed"/> with every linked file's copies set to the union of the copies' changes
        /// to <paramref name="original"/>; a file whose changes overlap differently is left as it was, to Roslyn.</summary>
        public static async Task<Solution> MergeAsync(Solution original, Solution changed, CancellationToken cancellationToken)
        {
            var merged = changed;
            var seen = new HashSet<DocumentId>();
            foreach (var project in changed.GetChanges(original).GetProjectChanges())
            {
                foreach (var id in project.GetChangedDocuments())
                {
                    // The copies of one file (one per target framework) share its path.
                    var path = changed.GetDocument(id)?.FilePath;
                    var related = path == null ? ImmutableArray<DocumentId>.Empty : changed.GetDocumentIdsWithFilePath(path);
                    if (related.Length < 2 || !seen.Add(id))
                    {
                        continue;
                    }

                    seen.UnionWith(related);
                    var text = await MergeGroupAsync(original, changed, related, cancellationToken).ConfigureAwait(false);
                    if (text != null)
                    {
                        foreach (var document in related)
                        {
                            merged = merged.WithDocumentText(document, text);
                        }
                    }
                }
            }

            return merged;
        }

        private static async Task<SourceText?> MergeGroupAsync(Solution original, Solution changed, ImmutableArray<DocumentId> related, CancellationToken cancellationToken)
        {
            // The copies must have started equal (they are one file); what each framework wrote, once per distinct text.
            SourceText? baseText = null;
            var versions = new List<SourceText>();
            foreach (var id in related)
            {
                var before = original.GetDocument(id);
                var after = changed.GetDocument(id);
                if (before == null || after == null)
                {
                    return null;
                }

                var oldText = await before.GetTextAsync(cancellationToken).ConfigureAwait(false);
                if (baseText == null)
                {
                    baseText = oldText;
                }
                else if (!baseText.ContentEquals(oldText))
                {
                    return null;
                }

                var newText = await after.GetTextAsync(cancellationToken).ConfigureAwait(false);
                if (!newText.ContentEquals(baseText) && !versions.Any(v => v.ContentEquals(newText)))
                {
                    versions.Add(newText);
                }
            }

            if (baseText == null || versions.Count == 0)
            {
                return null;
            }

            if (versions.Count == 1)
            {
                return versions[0];
            }

            var hunks = versions.SelectMany(version => LineHunk.Between(baseText, version)).ToList();
            var union = Union(hunks);
            return union == null ? null : baseText.WithChanges(union.Select(h => new TextChange(h.Span, h.NewText)));
        }

        /// <summary>The hunks once each, in order; null when two differ where they overlap (or insert at one place),
        /// unless one inserts all the other inserts there.</summary>
        private static List<LineHunk>? Union(List<LineHunk> hunks)
        {
            var union = new List<LineHunk>();
            foreach (var hunk in hunks.OrderBy(h => h.OldStart).ThenBy(h => h.OldEnd).ThenByDescending(h => h.NewLines.Count))
            {
                if (union.Any(h => hunk.SameAs(h) || hunk.WithinOf(h)))
                {
                    continue;
                }

                if (union.Any(h => h.Overlaps(hunk)))
                {
                    return null;
                }

                union.Add(hunk);
            }

            return union;
        }
    }
}
