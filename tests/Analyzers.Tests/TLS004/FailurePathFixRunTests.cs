// The TLS004 fix run, not only compiled, where the transport's close is also the failure path: a CRLF file whose
// Shutdown() is run by Dispose and by the catch of a failed read, its socket shut down inside a `try { } catch { }`.
// Fixed as dotnet format fixes it, compiled and driven against the CloseNotify.Testing peer: the file stays CRLF; the
// normal close ends with close_notify (the fix keeps the graceful close there) where the original ended with a bare FIN;
// and on the catch path, after the peer reset the connection, the close does not throw and releases the socket.
using System;
using System.Threading.Tasks;
using CloseNotify.Analyzers.Tests.Conventions;
using CloseNotify.CodeFixes;
using CloseNotify.Testing;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FailurePathFixRunTests
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

    // A failed read burns the connection through the same Shutdown that Dispose runs.
    public int Receive()
    {
        try
        {
            return _ssl.Read(new byte[16], 0, 16);
        }
        catch (IOException)
        {
            Shutdown();
            return -1;
        }
    }

    internal void Shutdown()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch { }
        _socket.Close();
    }

    public void Dispose() => Shutdown();
}
");

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_shutdown_sends_close_notify_and_the_original_does_not(LanguageVersion version)
        {
            var fixedSource = await FixedAsync(version);

            var before = await CloseAsync(await WithFlowModel.EmitAsync(Source, version), resetFirst: false);
            Assert.True(before.Outcome is PeerCloseOutcome.FinWithoutCloseNotify or PeerCloseOutcome.ResetWithoutCloseNotify, before.ToString());

            // Notify closes write-only: with the peer's answer unread at the socket's close, a reset may follow the alert.
            var after = await CloseAsync(await WithFlowModel.EmitAsync(fixedSource, version), resetFirst: false);
            Assert.True(after.Outcome is PeerCloseOutcome.CloseNotifyThenFin or PeerCloseOutcome.CloseNotifyThenReset, after.ToString());
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_shutdown_reached_from_a_catch_does_not_throw_after_a_reset(LanguageVersion version)
        {
            var fixedSource = await FixedAsync(version);

            await CloseAsync(await WithFlowModel.EmitAsync(fixedSource, version), resetFirst: true);
        }

        /// <summary>The file after dotnet format's TLS004 fix (runtime referenced): CRLF throughout, the graceful close on a
        /// line of its own before the socket's try.</summary>
        private static async Task<string> FixedAsync(LanguageVersion version)
        {
            var fixedSource = await DotnetFormatRun.FixAsync<TransportClosedUnderTlsAnalyzer, TransportClosedUnderTlsFixer>(Source, version);
            Assert.Contains("TlsClose.Notify(_ssl);\r\n        try { _socket.Shutdown(SocketShutdown.Both); } catch { }\r\n", fixedSource, StringComparison.Ordinal);
            Assert.DoesNotContain("Abort", fixedSource, StringComparison.Ordinal);
            Assert.Equal(fixedSource.Split('\n').Length, fixedSource.Split("\r\n").Length);
            return fixedSource;
        }

        /// <summary>Runs a Session of <paramref name="image"/> as the server of a TLS peer, exchanges data, then closes it:
        /// by Dispose, or (<paramref name="resetFirst"/>) through the catch of a read the peer's reset failed.</summary>
        private static async Task<PeerCloseReport> CloseAsync(byte[] image, bool resetFirst)
        {
            await using var run = await PeerSession.StartAsync(image);
            if (!resetFirst)
            {
                run.Call("Dispose");
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
