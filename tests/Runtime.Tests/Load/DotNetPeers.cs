using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using CloseNotify.Testing;

namespace CloseNotify.Runtime.Tests.Load
{
    /// <summary>What the load run asks of a set of peers, one per connection.</summary>
    public interface ILoadPeers : IDisposable
    {
        IReadOnlyList<IPEndPoint> EndPoints { get; }

        /// <summary>Called right before the burst (a silent s_server is paused here).</summary>
        void BeforeBurst();

        /// <summary>Called once every close is queued (a resetting s_server is killed a little later).</summary>
        void BurstStarted();

        /// <summary>For each connection: did the peer get the <paramref name="payload"/> bytes, then our close_notify?
        /// Null where the peer cannot say.</summary>
        Task<bool?[]> DeliveredAsync(int payload);
    }

    /// <summary>The kit's <see cref="TlsPeer"/> servers, one per connection, in a process of their own (this assembly
    /// started with <see cref="Argument"/>): in this process they would share the thread pool that the closes under test
    /// starve, and a peer's late answer would be counted against the close.</summary>
    public sealed class DotNetPeers : ILoadPeers
    {
        public const string Argument = "--load-peers";
        private static readonly TimeSpan ReportWait = TimeSpan.FromSeconds(10);

        private readonly Process process;

        private DotNetPeers(Process process, IReadOnlyList<IPEndPoint> endPoints)
        {
            this.process = process;
            EndPoints = endPoints;
        }

        public IReadOnlyList<IPEndPoint> EndPoints { get; }

        /// <summary>Starts the host with one peer per entry of <paramref name="behaviours"/>.</summary>
        public static async Task<DotNetPeers> StartAsync(IReadOnlyList<PeerBehaviour> behaviours, TimeSpan timeout)
        {
            var certificate = LoadCertificate.Instance;
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "exec", typeof(DotNetPeers).Assembly.Location, Argument, string.Concat(behaviours.Select(Letter)), certificate.CertificatePemPath, certificate.KeyPemPath })
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("The peer host did not start.");
            try
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
                if (line == null || !line.StartsWith("PORTS ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The peer host said '{line}'.");
                }

                var ports = line.Substring(6).Split(',', StringSplitOptions.RemoveEmptyEntries);
                return new DotNetPeers(process, ports.Select(p => new IPEndPoint(IPAddress.Loopback, int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))).ToArray());
            }
            catch
            {
                Kill(process);
                throw;
            }
        }

        public void BeforeBurst()
        {
        }

        public void BurstStarted()
        {
        }

        public async Task<bool?[]> DeliveredAsync(int payload)
        {
            await process.StandardInput.WriteLineAsync($"REPORT {payload}").ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(ReportWait + TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            if (line == null || !line.StartsWith("DELIVERED ", StringComparison.Ordinal) || line.Length != 10 + EndPoints.Count)
            {
                throw new InvalidOperationException($"The peer host said '{line}'.");
            }

            return line.Substring(10).Select(c => (bool?)(c == '1')).ToArray();
        }

        public void Dispose()
        {
            try
            {
                process.StandardInput.Close(); // the host disposes its peers and exits
                if (!process.WaitForExit(10_000))
                {
                    Kill(process);
                }
            }
            finally
            {
                process.Dispose();
            }
        }

        /// <summary>The host's side: starts the peers, prints their ports, answers each <c>REPORT n</c> with one digit
        /// per peer, and stops when its standard input ends.</summary>
        public static async Task<int> HostAsync(string[] args)
        {
            using var certificate = X509Certificate2.CreateFromPemFile(args[2], args[3]);
            var peerCertificate = PeerCertificate.From(certificate);
            var peers = args[1].Select(letter => TlsPeer.StartServer(new TlsPeerOptions
            {
                Protocols = TlsPeerOptions.Tls13,
                Certificate = peerCertificate,
                Script = ScriptOf(Behaviour(letter)),
                Timeout = TimeSpan.FromMinutes(5),
                MaxRecordedBytes = 0, // counted, not kept
            })).ToArray();
            try
            {
                Console.WriteLine("PORTS " + string.Join(",", peers.Select(p => p.Port)));
                Console.Out.Flush();
                for (var line = await Console.In.ReadLineAsync().ConfigureAwait(false); line != null; line = await Console.In.ReadLineAsync().ConfigureAwait(false))
                {
                    if (line.StartsWith("REPORT ", StringComparison.Ordinal))
                    {
                        var payload = long.Parse(line.Substring(7), System.Globalization.CultureInfo.InvariantCulture);
                        var reports = await Task.WhenAll(peers.Select(p => p.WaitForCloseNotifyAsync(ReportWait))).ConfigureAwait(false);
                        Console.WriteLine("DELIVERED " + string.Concat(reports.Select(r => Delivered(r, payload) ? '1' : '0')));
                        Console.Out.Flush();
                    }
                }

                return 0;
            }
            finally
            {
                // Dispose, not DisposeAsync: the kit's netstandard2.0 build (Runtime.NetStandard20.Tests) has only the former.
                Parallel.ForEach(peers, p => p.Dispose());
            }
        }

        /// <summary>The scripts of <see cref="PeerBehaviour"/>.</summary>
        public static PeerScript ScriptOf(PeerBehaviour behaviour) => behaviour switch
        {
            PeerBehaviour.Silent => PeerScript.Silent,

            // Without end, one record every 10 ms, until the connection breaks: the drain stops at its byte limit.
            PeerBehaviour.KeepsSending => new PeerScript { SendAfterCloseNotify = -1, ChunkInterval = TimeSpan.FromMilliseconds(10) },
            PeerBehaviour.Resets => new PeerScript { Reply = PeerReply.Reset },
            PeerBehaviour.StopsReading => new PeerScript { Opening = PeerOpening.StopReading },
            _ => PeerScript.Answer,
        };

        private static bool Delivered(PeerCloseReport report, long payload) =>
            report.BytesReceived == payload
            && report.Outcome is PeerCloseOutcome.CloseNotifyOnly or PeerCloseOutcome.CloseNotifyThenFin or PeerCloseOutcome.CloseNotifyThenReset;

        private static char Letter(PeerBehaviour behaviour) => "ASKRN"[(int)behaviour];

        private static PeerBehaviour Behaviour(char letter) => (PeerBehaviour)"ASKRN".IndexOf(letter, StringComparison.Ordinal);

        private static void Kill(Process process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
