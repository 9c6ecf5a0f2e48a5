using System;
using System.IO;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>CloseNotify.Testing from the local feed, in a test project of each framework (xunit, NUnit, MSTest) that
    /// tests a small driver (Consumers/Kit/Driver/LineClient.cs): its graceful close passes, and its dispose-only close
    /// is reported as a truncation, the failure expected and checked with the framework's own asserts.</summary>
    /// <remarks>Framework versions: the newest this machine's package mirror serves, so the kit is shown to work with what
    /// a new test project gets today; all run under `dotnet test` (VSTest) with the repository's Microsoft.NET.Test.Sdk.
    /// xunit 2.9.3 with xunit.runner.visualstudio 3.1.5 (the repository's own pair; xunit v3 4.x needs the Microsoft
    /// Testing Platform runner); NUnit 5.0.0 with NUnit3TestAdapter 6.3.1; MSTest.TestFramework and MSTest.TestAdapter
    /// 4.5.3.</remarks>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class KitConsumerTests
    {
        private const string TestSdk = "18.0.1";

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public KitConsumerTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Xunit_test_project_tests_a_driver_close_with_the_kit() =>
            RunTests("KitXunit", "Xunit", "xunit", "2.9.3", "xunit.runner.visualstudio", "3.1.5");

        [Fact]
        public void NUnit_test_project_tests_a_driver_close_with_the_kit() =>
            RunTests("KitNUnit", "NUnit", "NUnit", "5.0.0", "NUnit3TestAdapter", "6.3.1");

        [Fact]
        public void MSTest_test_project_tests_a_driver_close_with_the_kit() =>
            RunTests("KitMSTest", "MSTest", "MSTest.TestFramework", "4.5.3", "MSTest.TestAdapter", "4.5.3");

        private void RunTests(string name, string sources, string framework, string frameworkVersion, string adapter, string adapterVersion)
        {
            var consumer = _fixture.Consumer(name, f => Consumer.Create(f, name, Path.Combine("Kit", sources), Consumer.ProjectXml(
                "net10.0",
                properties: "    <IsPackable>false</IsPackable>\n    <Nullable>enable</Nullable>\n",
                items: $"    <PackageReference Include=\"Microsoft.NET.Test.Sdk\" Version=\"{TestSdk}\" />\n"
                    + $"    <PackageReference Include=\"{framework}\" Version=\"{frameworkVersion}\" />\n"
                    + $"    <PackageReference Include=\"{adapter}\" Version=\"{adapterVersion}\" />\n",
                package: PackageFixture.TestingPackage),
                customize: directory => File.Copy(Path.Combine(PackageFixture.ConsumerSources(Path.Combine("Kit", "Driver")), "LineClient.cs"), Path.Combine(directory, "LineClient.cs"))));

            var test = DotnetCli.Run(consumer.Directory, PackageFixture.StepTimeout, _fixture.Environment,
                "test", consumer.ProjectFile, "--no-restore", "-nodeReuse:false", "-p:UseSharedCompilation=false");
            _output.WriteLine(test.ToString());

            Assert.True(test.ExitCode == 0, test.ToString());
            var summary = Regex.Match(test.Output, @"Passed!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+)");
            Assert.True(summary.Success, test.ToString());
            Assert.Equal("0", summary.Groups[1].Value);
            Assert.Equal("3", summary.Groups[2].Value);
        }
    }
}
