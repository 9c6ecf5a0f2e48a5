// A file of a multi-targeted project is fixed once per target framework and the copies merged (dotnet format).
using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class LinkedFileMergeTests
    {
        private readonly ITestOutputHelper _output;

        public LinkedFileMergeTests(ITestOutputHelper output) => _output = output;

        // One framework closes in its own #if branch (TLS001 there only); every framework swallows the close's errors
        // in the catch below it (TLS003 everywhere); a second method disposes in a branch per framework.
        internal const string Channel = @"using System;
using System.IO;
using System.Net.Security;
using System.Threading.Tasks;

namespace Merge
{
    public sealed class Channel
    {
        private readonly Stream _inner;
        private SslStream? _stream;

        public Channel(Stream inner) => _inner = inner;

        public async Task OpenAsync(string host)
        {
            _stream = new SslStream(_inner);
            await _stream.AuthenticateAsClientAsync(host).ConfigureAwait(false);
        }

        public async Task DisposeAsync()
        {
            if (_stream != null)
            {
                try
                {
#if NETSTANDARD2_0
                    _stream.Close();
#else
                    await _stream.ShutdownAsync().ConfigureAwait(false);
#endif
                }
                catch
                {
                    // ignored
                }

#if NETSTANDARD2_0
                _stream.Dispose();
#else
                await _stream.DisposeAsync().ConfigureAwait(false);
#endif
            }

            _inner.Dispose();
        }

        public async Task ReconnectAsync(string host)
        {
#if NETSTANDARD2_0
            if (_stream != null)
                _stream.Dispose();
#else
            if (_stream != null)
                await _stream.DisposeAsync().ConfigureAwait(false);
#endif
            await OpenAsync(host).ConfigureAwait(false);
        }
    }
}
";

        [Theory]
        [InlineData("TLS003", "TLS001")]
        [InlineData("TLS001", "TLS003")]
        public async Task A_fix_in_one_frameworks_branch_beside_a_fix_all_frameworks_make_merges_without_conflict(string first, string second)
        {
            var (text, solution) = await MultiTargetRun.FixAsync(Channel, MultiTargetRun.Four, withRuntime: true, first, second);
            _output.WriteLine(text);

            Assert.DoesNotContain("Unmerged change", text, StringComparison.Ordinal);
            Assert.Single(await MultiTargetRun.CopiesAsync(solution));
            Assert.Empty(await MultiTargetRun.CompilerProblemsAsync(solution));

            // Each framework's fix in its own branch (the #if lines kept), the shared catch narrowed once, one using.
            Assert.Matches(@"#if NETSTANDARD2_0\n(.*\n)*? +await TlsClose\.GracefulAsync\(_stream\)[^\n]*\n(.*\n)*?#else\n +await _stream\.ShutdownAsync\(\)[^\n]*\n#endif\n +}\n +catch \(Exception ex\) when", text);
            Assert.Contains("#if NETSTANDARD2_0\n            if (_stream != null)\n                await TlsClose.GracefulAsync(_stream).ConfigureAwait(false);\n#else\n            if (_stream != null)\n                await TlsClose.GracefulAsync(_stream).ConfigureAwait(false);\n#endif", text, StringComparison.Ordinal);
            Assert.Equal(1, Count(text, "using CloseNotify;"));
            Assert.Equal(1, Count(text, "catch (Exception ex) when (TlsErrors.IsBenign(ex, _stream))"));
        }

        [Fact]
        public async Task Without_the_runtime_the_copies_agree_and_build_for_every_framework()
        {
            var (text, solution) = await MultiTargetRun.FixAsync(Channel, MultiTargetRun.Four, withRuntime: false, "TLS003", "TLS001");
            _output.WriteLine(text);

            Assert.DoesNotContain("Unmerged change", text, StringComparison.Ordinal);
            Assert.Single(await MultiTargetRun.CopiesAsync(solution));
            Assert.Empty(await MultiTargetRun.CompilerProblemsAsync(solution));
            // The shared catch narrowed once (TLS003), and the BCL close in ReconnectAsync's #else branch (TLS001: every
            // framework that compiles that branch has ShutdownAsync).
            Assert.Equal(2, text.Split('\n').Count(l => l.Contains("catch (Exception ex) when (ex is IOException", StringComparison.Ordinal)));
        }

        // Shared code (no #if) where one framework has ShutdownAsync and another has not: the fix must write the same
        // statements in both copies, and what compiles in both (here the Dispose alone), or the merge has to choose.
        private const string Sender = @"using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Merge
{
    public sealed class Sender
    {
        public async Task SendAsync(TcpClient tcp, byte[] data)
        {
            var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
            await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
            tcp.Close();
        }
    }
}
";

        // Shared by netstandard2.0 (no ShutdownAsync) and net8.0: without the runtime TLS004 writes nothing in either (a
        // Dispose alone sends no close_notify), and the net8.0 copy's close is not merged into the netstandard2.0 build.
        [Fact]
        public async Task No_fix_in_shared_code_where_one_framework_lacks_ShutdownAsync()
        {
            var targets = new[] { MultiTargetRun.NetStandard20, MultiTargetRun.Net80 };
            var (text, solution) = await MultiTargetRun.FixAsync(Sender, targets, withRuntime: false, "TLS004");
            _output.WriteLine(text);

            Assert.DoesNotContain("Unmerged change", text, StringComparison.Ordinal);
            Assert.Single(await MultiTargetRun.CopiesAsync(solution));
            Assert.Empty(await MultiTargetRun.CompilerProblemsAsync(solution));
            Assert.Equal(Sender, text.Replace("\r\n", "\n"));
        }

        private static int Count(string text, string line) =>
            text.Split('\n').Count(l => l.Trim() == line);
    }
}
