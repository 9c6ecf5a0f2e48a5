// The TLS001 fix beside the type's own read loop, run and not only compiled: a CRLF file whose CloseAsync disposes the
// SslStream while ReceiveAsync (another member) has a read pending, and whose read loop closes from its catch, is fixed
// as dotnet format fixes it and driven against the CloseNotify.Testing peer. The fix writes the awaited write-only close
// (no drain, which would fail beside the pending read); the fixed close ends with close_notify where the original ended
// with a bare FIN, does not throw, and the catch path after a reset does not throw either.
using System;
using System.Threading.Tasks;
using CloseNotify.Analyzers.Tests.Conventions;
using CloseNotify.Analyzers.Tests.TLS004;
using CloseNotify.CodeFixes;
using CloseNotify.Testing;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class ReadLoopFixRunTests
    {
        private static readonly string Source = LineEndingTests.Crlf(@"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

public sealed class Session : IDisposable
{
    private readonly Socket _socket;
    private SslStream _ssl;
    private Task<int> _pending;

    public Session(Socket socket) { _socket = socket; }

    public async Task StartAsync(X509Certificate certificate)
    {
        _ssl = new SslStream(new NetworkStream(_socket, false));
        await _ssl.AuthenticateAsServerAsync(certificate);
    }

    public Task SendAsync(byte[] data) => _ssl.WriteAsync(data, 0, data.Length);

    // The read loop: a read left pending while the session runs.
    public void StartReading() => _pending = ReceiveAsync(new byte[16]);

    public Task<int> ReceiveAsync(byte[] buffer) => _ssl.ReadAsync(buffer, 0, buffer.Length);

    // A failed read closes the session from its catch.
    public async Task<int> ReceiveOrCloseAsync()
    {
        try
        {
            return await _pending;
        }
        catch (IOException)
        {
            await CloseAsync();
            return -1;
        }
    }

    public async Task CloseAsync()
    {
        await Task.Yield();
        _ssl.Dispose();
        _socket.Dispose();
    }

    public void Dispose() => _socket.Dispose();
}
");

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_close_beside_a_pending_read_sends_close_notify_and_the_original_does_not(LanguageVersion version)
        {
            var fixedSource = await FixedAsync(version);

            var before = await CloseAsync(await WithFlowModel.EmitAsync(Source, version), resetFirst: false);
            Assert.True(before.Outcome is PeerCloseOutcome.FinWithoutCloseNotify or PeerCloseOutcome.ResetWithoutCloseNotify, before.ToString());

            var after = await CloseAsync(await WithFlowModel.EmitAsync(fixedSource, version), resetFirst: false);
            Assert.True(after.Outcome is PeerCloseOutcome.CloseNotifyThenFin or PeerCloseOutcome.CloseNotifyThenReset, after.ToString());
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_close_reached_from_the_read_loops_catch_does_not_throw_after_a_reset(LanguageVersion version)
        {
            var fixedSource = await FixedAsync(version);

            await CloseAsync(await WithFlowModel.EmitAsync(fixedSource, version), resetFirst: true);
        }

        /// <summary>The file after dotnet format's TLS001 fix (runtime referenced): CRLF throughout, the awaited write-only
        /// close and the disposal kept, no drain.</summary>
        private static async Task<string> FixedAsync(LanguageVersion version)
        {
            var fixedSource = await DotnetFormatRun.FixAsync<DisposedWithoutCloseNotifyAnalyzer, DisposedWithoutCloseNotifyFixer>(Source, version);
            Assert.Contains("await _ssl.ShutdownAsync();\r\n", fixedSource, StringComparison.Ordinal);
            Assert.Contains("_ssl.Dispose();\r\n", fixedSource, StringComparison.Ordinal);
            Assert.DoesNotContain("GracefulAsync", fixedSource, StringComparison.Ordinal);
            Assert.Equal(fixedSource.Split('\n').Length, fixedSource.Split("\r\n").Length);
            return fixedSource;
        }

        /// <summary>Runs a Session of <paramref name="image"/> as the server of a TLS peer with a read pending, then closes
        /// it: directly while the read waits, or (<paramref name="resetFirst"/>) through the catch of the read the peer's
        /// reset failed.</summary>
        private static async Task<PeerCloseReport> CloseAsync(byte[] image, bool resetFirst)
        {
            await using var run = await PeerSession.StartAsync(image);
            run.Call("StartReading");
            if (!resetFirst)
            {
                await ((Task)run.Call("CloseAsync")!).WaitAsync(PeerSession.Bound);
                return await run.Peer.WaitForCloseAsync(PeerSession.Bound);
            }

            run.Peer.Reset();
            var read = await ((Task<int>)run.Call("ReceiveOrCloseAsync")!).WaitAsync(PeerSession.Bound);
            Assert.Equal(-1, read);
            Assert.Throws<ObjectDisposedException>(() => run.Socket.Available);
            return run.Peer.CurrentReport();
        }
    }
}
