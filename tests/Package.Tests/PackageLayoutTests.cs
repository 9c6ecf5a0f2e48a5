using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace CloseNotify.Package.Tests
{
    /// <summary>What each of the two packages holds and declares: CloseNotify.Analyzers the analyzers only, CloseNotify
    /// the runtime for five frameworks and an exact dependency on the analyzers; the libraries we ship strong-named.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class PackageLayoutTests
    {
        private static readonly string[] RuntimeTargets = { "net462", "net472", "net8.0", "netstandard2.0", "netstandard2.1" };

        private readonly PackageFixture _fixture;

        public PackageLayoutTests(PackageFixture fixture) => _fixture = fixture;

        [Fact]
        public void Analyzers_package_holds_the_two_analyzer_assemblies_readme_and_license_and_nothing_else()
        {
            using var package = ZipFile.OpenRead(_fixture.AnalyzersPackagePath);
            var files = PayloadOf(package);

            Assert.Equal(
                new[] { "LICENSE", "README.md", "analyzers/dotnet/cs/CloseNotify.Analyzers.dll", "analyzers/dotnet/cs/CloseNotify.CodeFixes.dll" },
                files);
            AssertReadmeAndLicense(package);
        }

        [Fact]
        public void Analyzers_package_is_a_development_dependency_with_no_dependencies()
        {
            var metadata = NuspecOf(_fixture.AnalyzersPackagePath, PackageFixture.AnalyzersPackage);

            Assert.Equal("true", Value(metadata, "developmentDependency"));
            // No dependency group at all, not even an empty one: a group would tie the package to its framework.
            Assert.Null(Value(metadata, "dependencies"));
        }

        [Fact]
        public void Runtime_package_holds_the_runtime_for_five_frameworks_and_no_analyzers_or_Roslyn()
        {
            using var package = ZipFile.OpenRead(_fixture.RuntimePackagePath);
            var files = PayloadOf(package);

            Assert.Equal(
                RuntimeTargets.SelectMany(t => new[] { $"lib/{t}/CloseNotify.dll", $"lib/{t}/CloseNotify.xml" }).OrderBy(f => f, StringComparer.Ordinal),
                files.Where(f => f.StartsWith("lib/", StringComparison.Ordinal)));
            // The analyzers come through the dependency only, so that a project never loads two copies of them.
            Assert.DoesNotContain(files, f => f.StartsWith("analyzers/", StringComparison.Ordinal));
            Assert.Equal(new[] { "LICENSE", "README.md" }, files.Where(f => !f.StartsWith("lib/", StringComparison.Ordinal)));
            AssertReadmeAndLicense(package);
        }

        [Fact]
        public void Runtime_package_depends_on_exactly_this_version_of_the_analyzers_in_every_framework_and_lets_their_analyzers_flow()
        {
            var metadata = NuspecOf(_fixture.RuntimePackagePath, PackageFixture.RuntimePackage);

            Assert.Null(Value(metadata, "developmentDependency"));
            var groups = metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements().ToList();
            Assert.Equal(
                new[] { ".NETFramework4.6.2", ".NETFramework4.7.2", ".NETStandard2.0", ".NETStandard2.1", "net8.0" },
                groups.Select(g => (string)g.Attribute("targetFramework")!).OrderBy(t => t, StringComparer.Ordinal));
            foreach (var group in groups)
            {
                // Besides the analyzers, the frameworks without System.Diagnostics.Metrics depend on the package that
                // brings it (the meter, TlsCloseMetrics); net8.0 has it in the framework.
                var ids = group.Elements().Select(e => (string?)e.Attribute("id")).OrderBy(i => i, StringComparer.Ordinal).ToArray();
                Assert.Equal(
                    (string)group.Attribute("targetFramework")! == "net8.0"
                        ? new[] { PackageFixture.AnalyzersPackage }
                        : new[] { PackageFixture.AnalyzersPackage, "System.Diagnostics.DiagnosticSource" },
                    ids);
                var dependency = group.Elements().Single(e => (string?)e.Attribute("id") == PackageFixture.AnalyzersPackage);
                Assert.Equal(PackageFixture.AnalyzersPackage, (string?)dependency.Attribute("id"));
                Assert.Equal($"[{PackageFixture.PackageVersion}]", (string?)dependency.Attribute("version"));

                // NuGet's default for a dependency is exclude="Build,Analyzers": it would say that the analyzers of
                // CloseNotify.Analyzers must not reach the project installing CloseNotify.
                var excluded = ((string?)dependency.Attribute("exclude") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.DoesNotContain(excluded, a => a.Equals("Analyzers", StringComparison.OrdinalIgnoreCase) || a.Equals("All", StringComparison.OrdinalIgnoreCase));
            }
        }

        [Fact]
        public void Runtime_assemblies_reference_only_their_framework_and_the_meter_package()
        {
            using var package = ZipFile.OpenRead(_fixture.RuntimePackagePath);
            foreach (var target in RuntimeTargets)
            {
                var references = AssemblyReferences(package, $"lib/{target}/CloseNotify.dll");
                // System.Diagnostics.DiagnosticSource: the meter, from the package the nuspec names for these frameworks.
                var allowed = target switch
                {
                    "netstandard2.0" or "netstandard2.1" => new[] { "netstandard", "System.Diagnostics.DiagnosticSource" },
                    "net462" or "net472" => new[] { "mscorlib", "System", "System.Core", "System.Diagnostics.DiagnosticSource" },
                    _ => null,
                };

                // net8.0 references its own System.* facades (System.Memory among them), all part of the shared framework.
                Assert.All(references, r => Assert.True(
                    allowed?.Contains(r.Name) ?? (r.Name.StartsWith("System.", StringComparison.Ordinal) && r.Version.Major == 8),
                    $"lib/{target}/CloseNotify.dll references {r.Name} {r.Version}"));
            }
        }

        [Fact]
        public void Analyzers_reference_Roslyn_4_8_so_older_compilers_load_them()
        {
            using var package = ZipFile.OpenRead(_fixture.AnalyzersPackagePath);
            foreach (var name in new[] { "CloseNotify.Analyzers.dll", "CloseNotify.CodeFixes.dll" })
            {
                var roslyn = AssemblyReferences(package, "analyzers/dotnet/cs/" + name)
                    .Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                    .ToList();
                Assert.NotEmpty(roslyn);
                Assert.All(roslyn, r => Assert.Equal(new Version(4, 8, 0, 0), r.Version));
            }
        }

        /// <summary>Drivers sign their assemblies; a strong-named assembly can reference only strong-named ones (CS8002,
        /// and a load failure on .NET Framework). Both shipped libraries are signed, with one key.</summary>
        [Fact]
        public void Runtime_and_kit_assemblies_are_strong_named_with_one_key()
        {
            using var runtime = ZipFile.OpenRead(_fixture.RuntimePackagePath);
            using var kit = ZipFile.OpenRead(_fixture.TestingPackagePath);
            var keys = RuntimeTargets.Select(t => SignedPublicKey(runtime, $"lib/{t}/CloseNotify.dll"))
                .Concat(new[] { "net8.0", "netstandard2.0" }.Select(t => SignedPublicKey(kit, $"lib/{t}/CloseNotify.Testing.dll")))
                .ToList();

            Assert.All(keys, k => Assert.Equal(keys[0], k));
        }

        /// <summary>The package's own files, sorted, without NuGet's bookkeeping (nuspec, rels, content types).</summary>
        private static List<string> PayloadOf(ZipArchive package) =>
            package.Entries.Select(e => e.FullName)
                .Where(f => !f.EndsWith(".nuspec", StringComparison.Ordinal) && !f.StartsWith("_rels/", StringComparison.Ordinal)
                    && !f.StartsWith("package/", StringComparison.Ordinal) && f != "[Content_Types].xml")
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();

        private static void AssertReadmeAndLicense(ZipArchive package)
        {
            Assert.True(package.GetEntry("README.md")!.Length > 0, "README.md is empty");
            Assert.True(package.GetEntry("LICENSE")!.Length > 0, "LICENSE is empty");
            Assert.DoesNotContain(package.Entries, e => e.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The nuspec's metadata, after checking what every package of ours declares: id, version, readme, license.</summary>
        private static XElement NuspecOf(string packagePath, string id)
        {
            using var package = ZipFile.OpenRead(packagePath);
            using var stream = package.GetEntry(id + ".nuspec")!.Open();
            var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

            Assert.Equal(id, Value(metadata, "id"));
            Assert.Equal(PackageFixture.PackageVersion, Value(metadata, "version"));
            Assert.Equal("README.md", Value(metadata, "readme"));
            var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal("file", (string?)license.Attribute("type"));
            Assert.Equal("LICENSE", license.Value);
            return metadata;
        }

        private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        private static List<(string Name, Version Version)> AssemblyReferences(ZipArchive package, string path)
        {
            using var copy = new MemoryStream();
            using (var entry = package.GetEntry(path)!.Open())
            {
                entry.CopyTo(copy);
            }

            copy.Position = 0;
            using var pe = new PEReader(copy);
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h))
                .Select(r => (reader.GetString(r.Name), r.Version))
                .ToList();
        }

        /// <summary>The assembly's public key (hex), after checking that it has one and that the image is signed.</summary>
        private static string SignedPublicKey(ZipArchive package, string path)
        {
            using var copy = new MemoryStream();
            using (var entry = package.GetEntry(path)!.Open())
            {
                entry.CopyTo(copy);
            }

            copy.Position = 0;
            using var pe = new PEReader(copy);
            Assert.True((pe.PEHeaders.CorHeader!.Flags & CorFlags.StrongNameSigned) != 0, $"{path} is not strong-name signed");
            var reader = pe.GetMetadataReader();
            var key = reader.GetBlobBytes(reader.GetAssemblyDefinition().PublicKey);
            Assert.True(key.Length > 0, $"{path} has no public key");
            return Convert.ToHexString(key);
        }
    }
}
