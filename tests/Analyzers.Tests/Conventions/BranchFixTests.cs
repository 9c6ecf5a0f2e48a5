// Fixes in one target framework's #if branch of a multi-targeted file: what the branch's own code already does (a
// catch around it) and which frameworks compile it decide the fix, not the frameworks that never see the line.
using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class BranchFixTests
    {
        private readonly ITestOutputHelper _output;

        public BranchFixTests(ITestOutputHelper output) => _output = output;

        // DisposeAsync is cleanup, but the netstandard2.0 branch's close already sits in a try whose catch takes every
        // error (and, after TLS003's fix, reports it): a second try with a reporting catch inside it would be dead code.
        [Theory]
        [InlineData("TLS003", "TLS001")]
        [InlineData("TLS001", "TLS003")]
        public async Task A_close_inside_a_try_that_already_catches_everything_gets_no_try_of_its_own(string first, string second)
        {
            var (text, solution) = await MultiTargetRun.FixAsync(LinkedFileMergeTests.Channel, MultiTargetRun.Four, withRuntime: true, first, second);
            _output.WriteLine(text);

            Assert.Empty(await MultiTargetRun.CompilerProblemsAsync(solution));
            Assert.Contains("#if NETSTANDARD2_0\n                    await TlsClose.GracefulAsync(_stream).ConfigureAwait(false);\n#else", text, StringComparison.Ordinal);
        }

        // ReconnectAsync's #else branch is compiled by netstandard2.1, net8.0 and net10.0 only, which all have
        // ShutdownAsync: without the runtime it gets the BCL close, though the file is also built for netstandard2.0.
        [Fact]
        public async Task A_branch_that_netstandard2_0_does_not_compile_gets_the_BCL_close()
        {
            var (text, solution) = await MultiTargetRun.FixAsync(LinkedFileMergeTests.Channel, MultiTargetRun.Four, withRuntime: false, "TLS001");
            _output.WriteLine(text);

            Assert.DoesNotContain("Unmerged change", text, StringComparison.Ordinal);
            Assert.Empty(await MultiTargetRun.CompilerProblemsAsync(solution));
            var reconnect = Regex.Match(text, @"ReconnectAsync\(string host\)\n(?<body>(.*\n)*?)        }\n");
            Assert.True(reconnect.Success);
            var branches = Regex.Match(reconnect.Groups["body"].Value, @"#if NETSTANDARD2_0\n(?<standard>(.*\n)*?)#else\n(?<others>(.*\n)*?)#endif");
            Assert.True(branches.Success);
            Assert.DoesNotContain("ShutdownAsync", branches.Groups["standard"].Value, StringComparison.Ordinal);
            Assert.Contains("await _stream.ShutdownAsync().ConfigureAwait(false);", branches.Groups["others"].Value, StringComparison.Ordinal);
        }

        // The same netstandard2.0 branch in a channel whose ReceiveAsync reads the stream (the library's read loop): no
        // drain beside a read that may be pending; netstandard2.0 has no awaited write-only close, so Notify.
        [Fact]
        public async Task Beside_the_types_read_loop_the_netstandard2_0_branch_gets_Notify()
        {
            var source = LinkedFileMergeTests.Channel.Replace(
                "        public async Task ReconnectAsync",
                "        public Task<int> ReceiveAsync(byte[] buffer) => _stream!.ReadAsync(buffer, 0, buffer.Length);\n\n        public async Task ReconnectAsync");
            var (text, solution) = await MultiTargetRun.FixAsync(source, MultiTargetRun.Four, withRuntime: true, "TLS003", "TLS001");
            _output.WriteLine(text);

            Assert.Empty(await MultiTargetRun.CompilerProblemsAsync(solution));
            Assert.Contains("#if NETSTANDARD2_0\n                    TlsClose.Notify(_stream);\n#else", text, StringComparison.Ordinal);
            Assert.DoesNotContain("GracefulAsync", text, StringComparison.Ordinal);
        }
    }
}
