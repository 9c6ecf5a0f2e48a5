using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>How the test calls the graceful close.</summary>
    public enum Mode
    {
        Async,
        Sync,
    }

    /// <summary>Theory data and the shared steps of the loopback scenarios.</summary>
    public static class Matrix
    {
        private static readonly SslProtocols[] Protocols = { SslProtocols.Tls12, SslProtocols.Tls13 };

        /// <summary>Our role × TLS version × async/sync.</summary>
        public static IEnumerable<object[]> RolesProtocolsModes()
        {
            foreach (var role in new[] { Role.Client, Role.Server })
            {
                foreach (var protocol in Protocols)
                {
                    foreach (var mode in new[] { Mode.Async, Mode.Sync })
                    {
                        yield return new object[] { role, protocol, mode };
                    }
                }
            }
        }

        /// <summary>Our role × TLS version.</summary>
        public static IEnumerable<object[]> RolesProtocols()
        {
            foreach (var role in new[] { Role.Client, Role.Server })
            {
                foreach (var protocol in Protocols)
                {
                    yield return new object[] { role, protocol };
                }
            }
        }

        public static Task<TlsPair> Connect(Role role, SslProtocols protocol, bool observe = true, bool relay = false) =>
            TlsPair.ConnectAsync(new PairOptions { Ours = role, Protocol = protocol, ObserveTransport = observe, Relay = relay });

        /// <summary>Runs the graceful close the way <paramref name="mode"/> says, bounded; the sync form runs on a thread of its own.</summary>
        public static Task<TlsCloseResult> Close(Stream stream, Mode mode, TlsCloseOptions? options = null) =>
            mode == Mode.Async
                ? Bounded.Wait(TlsClose.GracefulAsync(stream, options))
                : Bounded.OnThread(() => TlsClose.Graceful(stream, options));

        /// <summary>A benign error kept in the result is fine; anything else there would be an error swallowed.</summary>
        public static void AssertNothingSwallowed(TlsCloseResult result)
        {
            if (result.BenignError != null)
            {
                Assert.True(TlsErrors.IsBenign(result.BenignError), $"non-benign error kept as benign: {result.BenignError}");
            }
        }

        /// <summary>The stream was disposed by the close: reading it throws <see cref="ObjectDisposedException"/>.</summary>
        public static async Task AssertDisposed(Stream stream)
        {
            var error = await Bounded.Catch(() => stream.ReadAsync(new byte[1]).AsTask());
            Assert.IsType<ObjectDisposedException>(error);
        }

        public static TlsCloseOptions Bounds(int drainMilliseconds = 2000, long maxBytes = TlsCloseOptions.DefaultMaxDrainBytes, bool leaveOpen = false) =>
            new TlsCloseOptions { DrainTimeout = TimeSpan.FromMilliseconds(drainMilliseconds), MaxDrainBytes = maxBytes, LeaveOpen = leaveOpen };
    }
}
