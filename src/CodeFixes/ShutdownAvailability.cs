using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.CodeFixes
{
    /// <summary>Whether plain BCL code may call SslStream.ShutdownAsync: it is in the reference surface of .NET Core 2.0+,
    /// .NET Framework 4.7+ and netstandard2.1, not of netstandard2.0 or net461/net462 (dotnet/standard#598).</summary>
    internal static class ShutdownAvailability
    {
        /// <summary>True when this compilation has it and so does every other target framework of the same file that
        /// compiles <paramref name="at"/> (all of them when null): a fix written for net8.0 must still compile in the
        /// netstandard2.0 build of a multi-targeted project, but a line in an <c>#if</c> branch netstandard2.0 leaves out
        /// is no concern of that build.</summary>
        public static bool Everywhere(Document document, Compilation compilation, TextSpan? at = null) =>
            Has(compilation) && !OtherTargets(document, at).Any(LacksShutdown);

        /// <summary>Whether <c>FlushAsync(CancellationToken)</c> of <paramref name="type"/> compiles in every other target
        /// framework of the file: always for a Stream; for a TextWriter only from .NET 8 on.</summary>
        public static bool TokenFlushEverywhere(Document document, ITypeSymbol type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (t.Name == "Stream" && t.ContainingNamespace?.ToDisplayString() == "System.IO")
                {
                    return true;
                }
            }

            return OtherTargets(document, at: null).All(symbols => symbols.Contains("NET8_0_OR_GREATER"));
        }

        /// <summary>The preprocessor symbols of the other projects that compile the same file (at <paramref name="at"/>
        /// as active code, when given): an IDE or dotnet format loads one project per target framework, and its symbols
        /// name the framework.</summary>
        private static IEnumerable<List<string>> OtherTargets(Document document, TextSpan? at)
        {
            var path = document.FilePath;
            if (path == null)
            {
                yield break;
            }

            foreach (var project in document.Project.Solution.Projects)
            {
                if (project.Id == document.Project.Id || project.Language != LanguageNames.CSharp || project.ParseOptions?.PreprocessorSymbolNames is not { } symbols)
                {
                    continue;
                }

                var linked = project.Documents.FirstOrDefault(d => d.FilePath == path);
                if (linked != null && (at == null || Compiles(document, linked, at.Value)))
                {
                    yield return symbols.ToList();
                }
            }
        }

        /// <summary>Whether <paramref name="linked"/>'s project compiles the text at <paramref name="span"/> (the same
        /// text in both copies of the file): not when it lies in an <c>#if</c> branch that project's symbols leave out.</summary>
        private static bool Compiles(Document document, Document linked, TextSpan span)
        {
            if (!linked.TryGetSyntaxTree(out var tree))
            {
                // Not parsed yet: parse the text this document has with the other project's options.
                if (!document.TryGetText(out var text) || linked.Project.ParseOptions is not { } options)
                {
                    return true;
                }

                tree = CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)options);
            }

            var root = tree.GetRoot();
            return span.End <= root.FullSpan.End && !root.FindTrivia(span.Start).IsKind(SyntaxKind.DisabledTextTrivia);
        }

        /// <summary>This compilation's SslStream has the parameterless ShutdownAsync.</summary>
        internal static bool Has(Compilation compilation) =>
            compilation.GetTypeByMetadataName("System.Net.Security.SslStream")?.GetMembers("ShutdownAsync").Any(m => m is IMethodSymbol { Parameters.Length: 0 }) == true;

        private static bool LacksShutdown(List<string> set) =>
            (set.Contains("NETSTANDARD") && !set.Contains("NETSTANDARD2_1_OR_GREATER"))
            || (set.Contains("NETFRAMEWORK") && !set.Contains("NET47_OR_GREATER"));
    }
}
