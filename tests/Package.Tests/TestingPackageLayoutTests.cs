using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace CloseNotify.Package.Tests
{
    /// <summary>What CloseNotify.Testing holds and declares: the kit for netstandard2.0 and net8.0, and no dependency at
    /// all (no test framework, no package of ours).</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class TestingPackageLayoutTests
    {
        private static readonly string[] Targets = { "net8.0", "netstandard2.0" };

        private readonly PackageFixture _fixture;

        public TestingPackageLayoutTests(PackageFixture fixture) => _fixture = fixture;

        [Fact]
        public void Testing_package_holds_the_kit_for_two_frameworks_readme_and_license()
        {
            using var package = ZipFile.OpenRead(_fixture.TestingPackagePath);
            var files = package.Entries.Select(e => e.FullName)
                .Where(f => !f.EndsWith(".nuspec", StringComparison.Ordinal) && !f.StartsWith("_rels/", StringComparison.Ordinal)
                    && !f.StartsWith("package/", StringComparison.Ordinal) && f != "[Content_Types].xml")
                .OrderBy(f => f, StringComparer.Ordinal);

            Assert.Equal(
                new[] { "LICENSE", "README.md" }.Concat(Targets.SelectMany(t => new[] { $"lib/{t}/CloseNotify.Testing.dll", $"lib/{t}/CloseNotify.Testing.xml" })),
                files);
            Assert.True(package.GetEntry("README.md")!.Length > 0);
        }

        [Fact]
        public void Testing_package_has_no_dependencies_in_any_framework()
        {
            using var package = ZipFile.OpenRead(_fixture.TestingPackagePath);
            using var stream = package.GetEntry(PackageFixture.TestingPackage + ".nuspec")!.Open();
            var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

            Assert.Equal(PackageFixture.TestingPackage, metadata.Elements().Single(e => e.Name.LocalName == "id").Value);
            Assert.Equal(PackageFixture.PackageVersion, metadata.Elements().Single(e => e.Name.LocalName == "version").Value);
            Assert.Null(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "developmentDependency"));
            var groups = metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements().ToList();
            Assert.Equal(new[] { ".NETStandard2.0", "net8.0" }, groups.Select(g => (string)g.Attribute("targetFramework")!).OrderBy(t => t, StringComparer.Ordinal));
            Assert.All(groups, g => Assert.Empty(g.Elements()));
        }

        [Fact]
        public void Kit_assemblies_reference_only_their_framework_and_no_test_framework()
        {
            using var package = ZipFile.OpenRead(_fixture.TestingPackagePath);
            foreach (var target in Targets)
            {
                using var copy = new MemoryStream();
                using (var entry = package.GetEntry($"lib/{target}/CloseNotify.Testing.dll")!.Open())
                {
                    entry.CopyTo(copy);
                }

                copy.Position = 0;
                using var pe = new PEReader(copy);
                var reader = pe.GetMetadataReader();
                var references = reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h)).Select(r => (Name: reader.GetString(r.Name), r.Version)).ToList();
                Assert.All(references, r => Assert.True(
                    target == "netstandard2.0" ? r.Name == "netstandard" : r.Name.StartsWith("System.", StringComparison.Ordinal) && r.Version.Major == 8,
                    $"lib/{target}/CloseNotify.Testing.dll references {r.Name} {r.Version}"));
            }
        }
    }
}
