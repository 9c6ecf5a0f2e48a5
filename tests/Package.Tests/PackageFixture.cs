using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CloseNotify.Package.Tests
{
    /// <summary>Every package test shares one fixture, so they run one after another (consumer builds would fight
    /// over CPU and files) and the package is packed once per run.</summary>
    [CollectionDefinition(Name)]
    public sealed class PackageCollection : ICollectionFixture<PackageFixture>
    {
        public const string Name = "Package";
    }

    /// <summary>The repository root, written into the test assembly at build time.</summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class RepositoryRootAttribute : Attribute
    {
        public RepositoryRootAttribute(string path) => Path = path;

        public string Path { get; }
    }

    /// <summary>
    /// Packs the current sources once (the three packages) into a local feed in a fresh temporary folder, next to a NuGet.config that
    /// sees only that feed (for CloseNotify) and the machine's own upstream source (for everything else), and a
    /// fresh global packages folder, so that a CloseNotify left in ~/.nuget/packages by an earlier run is never used.
    /// The folder is deleted at the end (set CLOSENOTIFY_KEEP_PACKAGE_TESTS=1 to keep it).
    /// </summary>
    public sealed class PackageFixture : IDisposable
    {
        public const string PackageVersion = "0.2.0";

        /// <summary>The runtime library, which depends on <see cref="AnalyzersPackage"/>.</summary>
        public const string RuntimePackage = "CloseNotify";

        /// <summary>The analyzers and fixes alone.</summary>
        public const string AnalyzersPackage = "CloseNotify.Analyzers";

        /// <summary>The loopback TLS peer for driver tests.</summary>
        public const string TestingPackage = "CloseNotify.Testing";

        public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
        public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

        private readonly IMessageSink _sink;
        private readonly Dictionary<string, Consumer> _consumers = new Dictionary<string, Consumer>();

        public PackageFixture(IMessageSink sink)
        {
            _sink = sink;
            RepositoryRoot = typeof(PackageFixture).Assembly.GetCustomAttribute<RepositoryRootAttribute>()!.Path;
            Root = Path.Combine(Path.GetTempPath(), "closenotify-package-tests-" + Guid.NewGuid().ToString("N"));
            Feed = Path.Combine(Root, "feed");
            PackagesFolder = Path.Combine(Root, "packages");
            try
            {
                Directory.CreateDirectory(Feed);
                Directory.CreateDirectory(PackagesFolder);
                WriteBuildGuards();

                // The three package projects of `dotnet pack Analyzers.sln`, packed one after the other (the second finds
                // its analyzer builds up to date). Packing the solution itself would rebuild the test projects under
                // the running tests.
                RuntimePackagePath = Pack(Path.Combine("src", "Package", "Runtime", "CloseNotify.Package.csproj"), RuntimePackage);
                AnalyzersPackagePath = Pack(Path.Combine("src", "Package", "Analyzers", "CloseNotify.Analyzers.Package.csproj"), AnalyzersPackage);
                TestingPackagePath = Pack(Path.Combine("src", "Package", "Testing", "CloseNotify.Testing.Package.csproj"), TestingPackage);

                // NUGET_PACKAGES wins over any NuGet.config: set it too, so that a user's own setting cannot leak in.
                Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };
                UpstreamSources = ReadUpstreamSources();
                NuGetConfig = Path.Combine(Root, "NuGet.config");
                File.WriteAllText(NuGetConfig, NuGetConfigText());
            }
            catch
            {
                // xunit does not dispose a fixture whose constructor threw: do not leave the folder behind.
                Dispose();
                throw;
            }
        }

        public string RepositoryRoot { get; }

        /// <summary>The temporary folder of this run: feed, packages, consumers.</summary>
        public string Root { get; }

        public string Feed { get; }

        public string PackagesFolder { get; }

        public string RuntimePackagePath { get; }

        public string AnalyzersPackagePath { get; }

        public string TestingPackagePath { get; }

        public string NuGetConfig { get; }

        public IReadOnlyList<string> UpstreamSources { get; }

        /// <summary>The environment of every consumer command (restore, build, format, run).</summary>
        public IReadOnlyDictionary<string, string> Environment { get; }

        /// <summary>The folder the consumers' sources are copied from.</summary>
        public static string ConsumerSources(string name) => Path.Combine(AppContext.BaseDirectory, "Consumers", name);

        /// <summary>A consumer created and restored once per run and shared by the tests that ask for it by name.</summary>
        public Consumer Consumer(string name, Func<PackageFixture, Consumer> create)
        {
            lock (_consumers)
            {
                if (!_consumers.TryGetValue(name, out var consumer))
                {
                    consumer = create(this);
                    _consumers.Add(name, consumer);
                }

                return consumer;
            }
        }

        public void Log(string message) => _sink.OnMessage(new DiagnosticMessage("[package tests] " + message));

        public void Dispose()
        {
            if (System.Environment.GetEnvironmentVariable("CLOSENOTIFY_KEEP_PACKAGE_TESTS") == "1")
            {
                Log($"kept {Root}");
                return;
            }

            for (var attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    if (Directory.Exists(Root))
                    {
                        Directory.Delete(Root, recursive: true);
                    }

                    return;
                }
                catch (IOException) when (attempt < 2)
                {
                    System.Threading.Thread.Sleep(500);
                }
                catch (UnauthorizedAccessException) when (attempt < 2)
                {
                    System.Threading.Thread.Sleep(500);
                }
            }
        }

        private string Pack(string project, string packageId)
        {
            var pack = DotnetCli.RunChecked(RepositoryRoot, PackTimeout, "pack", project, "-c", "Release", "-o", Feed, "-nodeReuse:false");
            Log($"pack {packageId}: {pack.Elapsed.TotalSeconds:F1} s");
            var path = Path.Combine(Feed, $"{packageId}.{PackageVersion}.nupkg");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"dotnet pack did not write {path}:\n{pack}");
            }

            return path;
        }

        /// <summary>Stops MSBuild and NuGet from walking up from the consumers into whatever lies above the temporary
        /// folder (a Directory.Build.props or central package versions would change what is being tested).</summary>
        private void WriteBuildGuards()
        {
            File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"),
                "<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n");
        }

        /// <summary>The enabled sources this machine restores from (here: a mirror), as `dotnet nuget list source` sees
        /// them from the repository.</summary>
        private IReadOnlyList<string> ReadUpstreamSources()
        {
            var list = DotnetCli.RunChecked(RepositoryRoot, StepTimeout, "nuget", "list", "source", "--format", "Short");
            var sources = Regex.Matches(list.Output, @"^\s*E\S*\s+(?<source>\S+)\s*$", RegexOptions.Multiline)
                .Select(m => m.Groups["source"].Value)
                .Distinct()
                .ToList();
            if (sources.Count == 0)
            {
                throw new InvalidOperationException($"No enabled NuGet source to restore the consumers' other packages from:\n{list}");
            }

            return sources;
        }

        private string NuGetConfigText()
        {
            var upstream = UpstreamSources.Select((source, i) => (Key: "upstream" + i, Source: source)).ToList();
            return $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <config>
    <add key=""globalPackagesFolder"" value=""{SecurityElement.Escape(PackagesFolder)}"" />
  </config>
  <fallbackPackageFolders>
    <clear />
  </fallbackPackageFolders>
  <packageSources>
    <clear />
    <add key=""closenotify-local"" value=""{SecurityElement.Escape(Feed)}"" />
{string.Concat(upstream.Select(u => $"    <add key=\"{u.Key}\" value=\"{SecurityElement.Escape(u.Source)}\" />\n"))}  </packageSources>
  <!-- Our packages come from the local feed only, whatever an upstream source may hold under those names. -->
  <packageSourceMapping>
    <packageSource key=""closenotify-local"">
      <package pattern=""{RuntimePackage}"" />
      <package pattern=""{AnalyzersPackage}"" />
      <package pattern=""{TestingPackage}"" />
    </packageSource>
{string.Concat(upstream.Select(u => $"    <packageSource key=\"{u.Key}\">\n      <package pattern=\"*\" />\n    </packageSource>\n"))}  </packageSourceMapping>
</configuration>
";
        }
    }
}
