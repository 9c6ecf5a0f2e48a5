using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Cost
{
    /// <summary>
    /// One compilation of a library's build as Csc received it: its arguments (one per line, as MSBuild's
    /// <c>CscCommandLineArgs</c> items hand them over, so no quoting to undo), the project directory they are relative
    /// to, and a copy of every file it reads that a later build could change or delete (anything outside the package
    /// cache and the SDK: sources, the obj/ files MSBuild generates, project references' assemblies, key files).
    /// Layout of a library's capture: <c>&lt;name&gt;.rsp</c>, <c>&lt;name&gt;.dir</c>, and <c>files/</c> mirroring
    /// the absolute paths of the copies.
    /// </summary>
    internal sealed class CapturedCompilation
    {
        private CapturedCompilation(string name, string projectDirectory, string[] arguments, string filesRoot)
        {
            Name = name;
            ProjectDirectory = projectDirectory;
            Arguments = arguments;
            FilesRoot = filesRoot;
        }

        /// <summary>Project and target framework, e.g. <c>Npgsql.net10.0</c>.</summary>
        public string Name { get; }

        public string ProjectDirectory { get; }

        public string[] Arguments { get; }

        private string FilesRoot { get; }

        /// <summary>Where to read <paramref name="path"/> (an absolute path of the build): the copy when there is one.</summary>
        public string Map(string path)
        {
            var copy = FilesRoot + Path.GetFullPath(path);
            return File.Exists(copy) ? copy : path;
        }

        public CSharpCommandLineArguments Parse()
        {
            var args = CSharpCommandLineParser.Default.Parse(Arguments, ProjectDirectory, sdkDirectory: null);
            var errors = args.Errors.Where(e => e.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"{Name}: the captured arguments do not parse: {string.Join("; ", errors)}");
            }

            return args;
        }

        /// <summary>The compilations of one library's capture, in name order.</summary>
        public static List<CapturedCompilation> Load(string libraryDirectory)
        {
            var found = new List<CapturedCompilation>();
            foreach (var rsp in Directory.GetFiles(libraryDirectory, "*.rsp").OrderBy(p => p, StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(rsp);
                var directory = File.ReadAllText(Path.ChangeExtension(rsp, ".dir")).Trim();
                found.Add(new CapturedCompilation(name, directory, File.ReadAllLines(rsp).Where(l => l.Length > 0).ToArray(), Path.Combine(libraryDirectory, "files")));
            }

            return found;
        }

        /// <summary>
        /// Copies the Csc arguments a build left in <paramref name="cscDirectory"/> (eng/corpus/common.sh's targets) and
        /// every file they read that may change, into <paramref name="libraryDirectory"/>. Returns the compilations.
        /// </summary>
        public static int Snapshot(string cscDirectory, string libraryDirectory, TextWriter log)
        {
            if (Directory.Exists(libraryDirectory))
            {
                Directory.Delete(libraryDirectory, recursive: true);
            }

            Directory.CreateDirectory(libraryDirectory);
            var files = Path.Combine(libraryDirectory, "files");
            var stable = StableRoots();
            var count = 0;
            foreach (var rsp in Directory.GetFiles(cscDirectory, "*.rsp"))
            {
                var dir = Path.ChangeExtension(rsp, ".dir");
                File.Copy(rsp, Path.Combine(libraryDirectory, Path.GetFileName(rsp)));
                File.Copy(dir, Path.Combine(libraryDirectory, Path.GetFileName(dir)));
                var captured = Load(libraryDirectory).Single(c => c.Name == Path.GetFileNameWithoutExtension(rsp));
                var args = captured.Parse();
                var inputs = new List<string>();
                inputs.AddRange(args.SourceFiles.Select(s => s.Path));
                inputs.AddRange(args.MetadataReferences.Select(r => Path.GetFullPath(r.Reference, args.BaseDirectory!)));
                inputs.AddRange(args.AnalyzerConfigPaths);
                inputs.AddRange(args.AdditionalFiles.Select(a => a.Path));
                if (args.CompilationOptions.CryptoKeyFile is { } key)
                {
                    inputs.Add(Path.GetFullPath(key, args.BaseDirectory!));
                }

                // An analyzer assembly is copied with the assemblies beside it (what a generator may load).
                foreach (var analyzer in args.AnalyzerReferences.Select(a => Path.GetFullPath(a.FilePath, args.BaseDirectory!)))
                {
                    inputs.AddRange(Directory.Exists(Path.GetDirectoryName(analyzer)) ? Directory.GetFiles(Path.GetDirectoryName(analyzer)!, "*.dll") : new[] { analyzer });
                }

                var copied = 0;
                foreach (var input in inputs.Select(i => Path.GetFullPath(i)).Distinct(StringComparer.Ordinal))
                {
                    if (stable.Any(r => input.StartsWith(r, StringComparison.Ordinal)) || !File.Exists(input))
                    {
                        continue;
                    }

                    var copy = files + input;
                    Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                    File.Copy(input, copy, overwrite: true);
                    copied++;
                }

                log.WriteLine($"  {captured.Name}: {args.SourceFiles.Length} sources, {args.MetadataReferences.Length} references, {args.AnalyzerReferences.Length} analyzer assemblies; {copied} files copied");
                count++;
            }

            return count;
        }

        /// <summary>Folders a build does not write: the package cache and the SDK.</summary>
        private static string[] StableRoots()
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            // <dotnet>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
            var dotnet = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
            return new[] { Path.GetFullPath(packages) + "/", Path.GetFullPath(dotnet) + "/" };
        }
    }
}
