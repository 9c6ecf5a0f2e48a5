using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace CloseNotify.Package.Tests
{
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class PackageLayoutTests
    {
        private readonly PackageFixture _fixture;

        public PackageLayoutTests(PackageFixture fixture) => _fixture = fixture;

        [Fact]
        public void Package_holds_analyzers_runtime_readme_and_license_and_no_Roslyn()
        {
            using var package = ZipFile.OpenRead(_fixture.PackagePath);
            var files = package.Entries.Select(e => e.FullName).ToList();

            Assert.Equal(
                new[] { "analyzers/dotnet/cs/CloseNotify.Analyzers.dll", "analyzers/dotnet/cs/CloseNotify.CodeFixes.dll" },
                files.Where(f => f.StartsWith("analyzers/", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal));
            Assert.Equal(
                new[] { "lib/net8.0/CloseNotify.dll", "lib/net8.0/CloseNotify.xml", "lib/netstandard2.1/CloseNotify.dll", "lib/netstandard2.1/CloseNotify.xml" },
                files.Where(f => f.StartsWith("lib/", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal));
            Assert.Contains("README.md", files);
            Assert.Contains("LICENSE", files);
            Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));

            // Only the two analyzer assemblies and the runtime: no other assembly a consumer would load.
            Assert.Equal(4, files.Count(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)));
            Assert.True(package.GetEntry("README.md")!.Length > 0, "README.md is empty");
            Assert.True(package.GetEntry("LICENSE")!.Length > 0, "LICENSE is empty");
        }

        [Fact]
        public void Nuspec_declares_readme_and_license_file_and_no_dependencies()
        {
            using var package = ZipFile.OpenRead(_fixture.PackagePath);
            using var stream = package.GetEntry("CloseNotify.nuspec")!.Open();
            var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

            Assert.Equal("CloseNotify", Value("id"));
            Assert.Equal(PackageFixture.PackageVersion, Value("version"));
            Assert.Equal("README.md", Value("readme"));
            var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal("file", (string?)license.Attribute("type"));
            Assert.Equal("LICENSE", license.Value);

            // The runtime is dependency-free: one empty group per lib folder.
            var groups = metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements().ToList();
            Assert.Equal(new[] { ".NETStandard2.1", "net8.0" }, groups.Select(g => (string)g.Attribute("targetFramework")!).OrderBy(t => t, StringComparer.Ordinal));
            Assert.All(groups, g => Assert.Empty(g.Elements()));
        }

        [Fact]
        public void Analyzers_reference_Roslyn_4_8_so_older_compilers_load_them()
        {
            using var package = ZipFile.OpenRead(_fixture.PackagePath);
            foreach (var name in new[] { "CloseNotify.Analyzers.dll", "CloseNotify.CodeFixes.dll" })
            {
                using var copy = new MemoryStream();
                using (var entry = package.GetEntry("analyzers/dotnet/cs/" + name)!.Open())
                {
                    entry.CopyTo(copy);
                }

                copy.Position = 0;
                using var pe = new PEReader(copy);
                var reader = pe.GetMetadataReader();
                var roslyn = reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h))
                    .Where(r => reader.GetString(r.Name).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                    .ToList();
                Assert.NotEmpty(roslyn);
                Assert.All(roslyn, r => Assert.Equal(new Version(4, 8, 0, 0), r.Version));
            }
        }
    }
}
