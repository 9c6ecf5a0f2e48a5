using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Runtime.Tests.Load
{
    /// <summary>One <c>openssl s_server</c> process per connection. One process cannot serve them all: s_server's loop
    /// (apps/s_server.c, <c>do_server</c>) accepts a connection and serves it to its end before it accepts the next, so
    /// <c>-naccept N</c> (or no limit) serves N connections one after another, never at once.</summary>
    /// <remarks>How each behaviour is played: answers: as it is (on our close_notify it sends its own and exits);
    /// silent: paused (SIGSTOP) before the burst, resumed after it to say what it got; keeps sending: 64 KiB of stdin
    /// written as the burst starts, which it sends as application data before and while our close_notify arrives (it
    /// cannot send after reading it: it answers and exits); resets: paused before the burst and killed 100 ms into it,
    /// with our bytes unread in its socket, so the kernel answers with a reset.</remarks>
    public sealed class OpenSslPeers : ILoadPeers
    {
        private const int KeepSendingBytes = 64 * 1024;
        private static readonly TimeSpan ResetDelay = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan ReportWait = TimeSpan.FromSeconds(10);

        private readonly OpenSslProcess[] servers;
        private readonly PeerBehaviour[] behaviours;
        private Task killing = Task.CompletedTask;

        private OpenSslPeers(OpenSslProcess[] servers, PeerBehaviour[] behaviours)
        {
            this.servers = servers;
            this.behaviours = behaviours;
            EndPoints = servers.Select(s => s.EndPoint).ToArray();
        }

        public IReadOnlyList<IPEndPoint> EndPoints { get; }

        /// <summary>Starts one s_server per entry of <paramref name="behaviours"/>, a few at a time.</summary>
        public static async Task<OpenSslPeers> StartAsync(IReadOnlyList<PeerBehaviour> behaviours, int parallel = 8)
        {
            var servers = new OpenSslProcess?[behaviours.Count];
            using var gate = new SemaphoreSlim(parallel);
            try
            {
                await Task.WhenAll(Enumerable.Range(0, behaviours.Count).Select(i => Task.Run(async () =>
                {
                    await gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        servers[i] = OpenSslProcess.StartServerWithCertificate(SslProtocols.Tls13, LoadCertificate.Instance.CertificatePemPath, LoadCertificate.Instance.KeyPemPath);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }))).ConfigureAwait(false);
                return new OpenSslPeers(servers.Select(s => s!).ToArray(), behaviours.ToArray());
            }
            catch
            {
                foreach (var server in servers)
                {
                    server?.Dispose();
                }

                throw;
            }
        }

        public void BeforeBurst()
        {
            var data = new string('y', KeepSendingBytes - 1) + "\n"; // not 'q' or 'Q' first: those are s_server commands
            for (var i = 0; i < servers.Length; i++)
            {
                switch (behaviours[i])
                {
                    case PeerBehaviour.Silent:
                    case PeerBehaviour.Resets:
                    case PeerBehaviour.StopsReading:
                        servers[i].Pause();
                        break;
                    case PeerBehaviour.KeepsSending:
                        servers[i].Send(data);
                        break;
                }
            }
        }

        public void BurstStarted()
        {
            killing = Task.Run(async () =>
            {
                await Task.Delay(ResetDelay).ConfigureAwait(false);
                for (var i = 0; i < servers.Length; i++)
                {
                    if (behaviours[i] == PeerBehaviour.Resets)
                    {
                        servers[i].Kill();
                    }
                }
            });
        }

        public async Task<bool?[]> DeliveredAsync(int payload)
        {
            await killing.ConfigureAwait(false);
            for (var i = 0; i < servers.Length; i++)
            {
                if (behaviours[i] is PeerBehaviour.Silent or PeerBehaviour.StopsReading)
                {
                    servers[i].Resume(); // now it reads what we sent while it was stopped
                }
            }

            return await Task.WhenAll(servers.Select((server, i) => Task.Run(() =>
                behaviours[i] == PeerBehaviour.Resets ? null : (bool?)Delivered(server, payload)))).ConfigureAwait(false);
        }

        public void Dispose()
        {
            foreach (var server in servers)
            {
                server.Dispose();
            }
        }

        /// <summary>s_server printed our payload (it writes received data to its stdout as it comes), then <c>DONE</c>: its
        /// <c>SSL_read</c> returned 0 on our close_notify.</summary>
        private static bool Delivered(OpenSslProcess server, int payload)
        {
            if (!server.WaitFor("DONE", ReportWait))
            {
                return false;
            }

            // The payload is one line of 'x' (its only newline is its last byte); the verbose output has no such line.
            const string prefix = "[out] ";
            var received = server.Output.Split('\n')
                .Select(line => line.TrimEnd('\r'))
                .Where(line => line.StartsWith(prefix, StringComparison.Ordinal) && line.Length > prefix.Length && line.Skip(prefix.Length).All(c => c == 'x'))
                .Sum(line => line.Length - prefix.Length);
            return received == payload - 1;
        }
    }
}
