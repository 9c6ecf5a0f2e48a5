// TLS004's cross-type fix, run: the fixed code (and, as the control, the code before the fix) compiled and driven against
// the CloseNotify.Testing peer on loopback, which records whether the connection ended with close_notify.
using System;
using System.Threading.Tasks;
using CloseNotify.Testing;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FixRunTests
    {
        // Kick shuts the session's socket down, then disposes the session, whose Dispose sends close_notify: too late before
        // the fix (the transport is gone: the peer sees a FIN without close_notify), in time after it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task The_fixed_kick_sends_close_notify_and_the_original_does_not(LanguageVersion version)
        {
            var source = DiagnosticsTests.Usings + OtherTypesDiagnosticsTests.Session + FixTests.Manager;
            var fixedSource = await WithFlowModel.FixAsync(source, version);
            var original = source.Replace("{|TLS004:", string.Empty).Replace("|}", string.Empty);

            var before = await KickAsync(await WithFlowModel.EmitAsync(original, version));
            Assert.True(before.Outcome is PeerCloseOutcome.FinWithoutCloseNotify or PeerCloseOutcome.ResetWithoutCloseNotify, before.ToString());

            var after = await KickAsync(await WithFlowModel.EmitAsync(fixedSource, version));
            Assert.True(after.Outcome is PeerCloseOutcome.CloseNotifyThenFin or PeerCloseOutcome.CloseNotifyThenReset, after.ToString());
        }

        /// <summary>Runs a Session of <paramref name="image"/> as the server of a TLS peer, exchanges data, kicks the
        /// session with its SessionManager, and returns how the peer saw the connection end.</summary>
        private static async Task<PeerCloseReport> KickAsync(byte[] image)
        {
            await using var run = await PeerSession.StartAsync(image);
            var managerType = run.Type.Assembly.GetType("SessionManager", throwOnError: true)!;
            managerType.GetMethod("Kick")!.Invoke(Activator.CreateInstance(managerType), new object[] { run.Session });
            return await run.Peer.WaitForCloseAsync(PeerSession.Bound);
        }
    }
}
