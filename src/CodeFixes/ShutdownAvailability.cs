using System.Linq;
using Microsoft.CodeAnalysis;

namespace CloseNotify.CodeFixes
{
    /// <summary>Whether plain BCL code may call SslStream.ShutdownAsync: it is in the reference surface of .NET Core 2.0+,
    /// .NET Framework 4.7+ and netstandard2.1, not of netstandard2.0 or net461/net462 (dotnet/standard#598).</summary>
    internal static class ShutdownAvailability
    {
        /// <summary>True when this compilation has it and so does every other target framework of the same file: a fix
        /// written for net8.0 must still compile in the netstandard2.0 build of a multi-targeted project.</summary>
        public static bool Everywhere(Document document, Compilation compilation)
        {
            if (!Has(compilation))
            {
                return false;
            }

            var path = document.FilePath;
            if (path == null)
            {
                return true;
            }

            // An IDE or dotnet format loads one project per target framework; their preprocessor symbols name it.
            foreach (var project in document.Project.Solution.Projects)
            {
                if (project.Id != document.Project.Id && project.Language == LanguageNames.CSharp
                    && project.Documents.Any(d => d.FilePath == path) && LacksShutdown(project.ParseOptions?.PreprocessorSymbolNames))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>This compilation's SslStream has the parameterless ShutdownAsync.</summary>
        internal static bool Has(Compilation compilation) =>
            compilation.GetTypeByMetadataName("System.Net.Security.SslStream")?.GetMembers("ShutdownAsync").Any(m => m is IMethodSymbol { Parameters.Length: 0 }) == true;

        private static bool LacksShutdown(System.Collections.Generic.IEnumerable<string>? symbols)
        {
            if (symbols == null)
            {
                return false;
            }

            var set = symbols.ToList();
            return (set.Contains("NETSTANDARD") && !set.Contains("NETSTANDARD2_1_OR_GREATER"))
                || (set.Contains("NETFRAMEWORK") && !set.Contains("NET47_OR_GREATER"));
        }
    }
}
