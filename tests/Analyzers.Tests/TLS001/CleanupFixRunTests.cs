// The TLS001 fix run, not only compiled: a CRLF file whose Close() is cleanup (called from the catch of a failed read
// and from Dispose) is fixed as dotnet format fixes it, compiled, and driven against the CloseNotify.Testing peer. The
// fixed file stays CRLF; its normal close ends with close_notify where the original ended with a bare FIN; and on the
// catch path, after the peer reset the connection, the close does not throw.
using System;
using System.Threading.Tasks;
using CloseNotify.Analyzers.Tests.Conventions;
using CloseNotify.Analyzers.Tests.TLS004;
using CloseNotify.CodeFixes;
using CloseNotify.Testing;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class CleanupFixRunTests
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

    public Session(Socket socket) { _socket = socket; }

    public async Task StartAsync(X509Certificate certificate)
    {
        _ssl = new SslStream(new NetworkStream(_socket, false));
        await _ssl.AuthenticateAsServerAsync(certificate);
    }

    public Task SendAsync(byte[] data) => _ssl.WriteAsync(data, 0, data.Length);

    // Reads until the connection fails; a failed read closes the session from its catch.
    public int Receive()
    {
        try
        {
            return _ssl.Read(new byte[16], 0, 16);
        }
        catch (IOException)
        {
            Close();
            return -1;
        }
    }

    public void Close()
    {
        _ssl.Dispose();
        _socket.Dispose();
    }

    public void Dispose() => Close();
}
");

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_close_in_a_CRLF_file_sends_close_notify_and_the_original_does_not(LanguageVersion version)
        {
            var fixedSource = await FixedAsync(version);

            var before = await CloseAsync(await WithFlowModel.EmitAsync(Source, version), resetFirst: false);
            Assert.True(before.Outcome is PeerCloseOutcome.FinWithoutCloseNotify or PeerCloseOutcome.ResetWithoutCloseNotify, before.ToString());

            var after = await CloseAsync(await WithFlowModel.EmitAsync(fixedSource, version), resetFirst: false);
            // Notify closes write-only: when the peer's answering close_notify is already in the socket's receive buffer
            // as the socket is disposed (a loaded machine), the kernel ends with a reset instead of a FIN. Either way the
            // close_notify went out first, which the original never sent.
            Assert.True(after.Outcome is PeerCloseOutcome.CloseNotifyThenFin or PeerCloseOutcome.CloseNotifyThenReset, after.ToString());
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_close_reached_from_a_catch_does_not_throw_after_a_reset(LanguageVersion version)
        {
            var fixedSource = await FixedAsync(version);

            // CloseAsync asserts that the catch ran (the read returned -1), that Close did not throw out of it, and that
            // the socket was released after the close (the peer, having reset, has nothing more to record).
            await CloseAsync(await WithFlowModel.EmitAsync(fixedSource, version), resetFirst: true);
        }

        /// <summary>The file after dotnet format's TLS001 fix (runtime referenced): CRLF throughout, Notify in the cleanup close.</summary>
        private static async Task<string> FixedAsync(LanguageVersion version)
        {
            var fixedSource = await DotnetFormatRun.FixAsync<DisposedWithoutCloseNotifyAnalyzer, DisposedWithoutCloseNotifyFixer>(Source, version);
            Assert.Contains("TlsClose.Notify(_ssl);\r\n", fixedSource, StringComparison.Ordinal);
            Assert.DoesNotContain("_ssl.Dispose();", fixedSource, StringComparison.Ordinal);
            Assert.Equal(fixedSource.Split('\n').Length, fixedSource.Split("\r\n").Length);
            return fixedSource;
        }

        /// <summary>Runs a Session of <paramref name="image"/> as the server of a TLS peer, exchanges data, then closes it:
        /// directly, or (<paramref name="resetFirst"/>) through the catch of a read the peer's reset failed.</summary>
        private static async Task<PeerCloseReport> CloseAsync(byte[] image, bool resetFirst)
        {
            await using var run = await PeerSession.StartAsync(image);
            if (!resetFirst)
            {
                run.Call("Close");
                return await run.Peer.WaitForCloseAsync(PeerSession.Bound);
            }

            run.Peer.Reset();
            var read = await Task.Run(() => (int)run.Call("Receive")!).WaitAsync(PeerSession.Bound);
            Assert.Equal(-1, read);
            Assert.Throws<ObjectDisposedException>(() => run.Socket.Available);
            return run.Peer.CurrentReport();
        }
    }
}
