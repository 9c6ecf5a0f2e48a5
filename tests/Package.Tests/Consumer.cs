using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CloseNotify.Package.Tests
{
    /// <summary>A throwaway project that installs a package of ours from the local feed, the way a user's project does.
    /// Restored once when created; every build is a full rebuild (<c>--no-incremental</c>), because an up-to-date
    /// compile prints no warnings at all.</summary>
    public sealed class Consumer
    {
        private Consumer(PackageFixture fixture, string directory, string projectFile)
        {
            Fixture = fixture;
            Directory = directory;
            ProjectFile = projectFile;
        }

        public PackageFixture Fixture { get; }

        public string Directory { get; }

        public string ProjectFile { get; }

        public CliResult RestoreResult { get; private set; } = null!;

        /// <summary>Creates <paramref name="name"/> under the fixture's folder from the sources in Consumers/<paramref name="sources"/>,
        /// writes its project file and restores it.</summary>
        public static Consumer Create(PackageFixture fixture, string name, string sources, string projectXml, Action<string>? customize = null)
        {
            var directory = Path.Combine(fixture.Root, "consumers", name);
            System.IO.Directory.CreateDirectory(directory);
            foreach (var file in System.IO.Directory.GetFiles(PackageFixture.ConsumerSources(sources)))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
            }

            var projectFile = Path.Combine(directory, name + ".csproj");
            File.WriteAllText(projectFile, projectXml);
            customize?.Invoke(directory);

            var consumer = new Consumer(fixture, directory, projectFile);
            consumer.RestoreResult = DotnetCli.RunChecked(directory, PackageFixture.StepTimeout, fixture.Environment,
                "restore", projectFile, "--configfile", fixture.NuGetConfig, "-nodeReuse:false");
            fixture.Log($"restore {name}: {consumer.RestoreResult.Elapsed.TotalSeconds:F1} s");
            return consumer;
        }

        /// <summary>A project file that references <paramref name="package"/> (the runtime package unless told) and
        /// whatever else <paramref name="items"/> says.</summary>
        public static string ProjectXml(string targetFrameworks, string properties = "", string items = "", string package = PackageFixture.RuntimePackage, string nullable = "disable") => $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <TargetFrameworks>{targetFrameworks}</TargetFrameworks>
    <Nullable>{nullable}</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
{properties}  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""{package}"" Version=""{PackageFixture.PackageVersion}"" />
{items}  </ItemGroup>
</Project>
";

        /// <summary>A full rebuild with no compiler server (so no process outlives the build).</summary>
        public CliResult Build(params string[] arguments)
        {
            var result = DotnetCli.Run(Directory, PackageFixture.StepTimeout, Fixture.Environment,
                new[] { "build", ProjectFile, "--no-restore", "--no-incremental", "-nodeReuse:false", "-p:UseSharedCompilation=false" }.Concat(arguments).ToArray());
            Fixture.Log($"build {Path.GetFileNameWithoutExtension(ProjectFile)} {string.Join(" ", arguments)}: exit {result.ExitCode}, {result.Elapsed.TotalSeconds:F1} s");
            return result;
        }

        public CliResult Format(params string[] arguments)
        {
            var result = DotnetCli.Run(Directory, PackageFixture.StepTimeout, Fixture.Environment,
                new[] { "format", "analyzers", ProjectFile, "--no-restore" }.Concat(arguments).ToArray());
            Fixture.Log($"format {string.Join(" ", arguments)}: exit {result.ExitCode}, {result.Elapsed.TotalSeconds:F1} s");
            return result;
        }

        public string Read(string file) => File.ReadAllText(Path.Combine(Directory, file));

        public void Write(string file, string text) => File.WriteAllText(Path.Combine(Directory, file), text);

        /// <summary>The TLS diagnostics a build printed, as "File(line,col) ID" keys, for one target framework.</summary>
        public static IReadOnlyList<string> TlsKeys(CliResult build, string targetFramework, string severity) =>
            BuildDiagnostics.Parse(build.Output, targetFramework).Tls()
                .Where(d => d.TargetFramework == targetFramework && d.Severity == severity)
                .Select(d => d.Key)
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();
    }
}
