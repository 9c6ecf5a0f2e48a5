using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Load
{
    /// <summary>One load run: start the peers, connect, send each peer its payload, close everything at once, then ask
    /// each peer what it got. Everything it starts is gone when it returns.</summary>
    public static class LoadRun
    {
        /// <summary>Bytes each connection sends right before its close; the graceful closes must deliver all of them.</summary>
        public const int PayloadBytes = 1000;

        public static async Task<LoadBurstResult> RunAsync(PeerKind kind, IReadOnlyList<(CloseApi Api, PeerBehaviour Behaviour)> plan, LoadBurst burst, TimeSpan setupTimeout)
        {
            var behaviours = plan.Select(p => p.Behaviour).ToArray();
            using ILoadPeers peers = kind == PeerKind.DotNet
                ? await DotNetPeers.StartAsync(behaviours, setupTimeout).ConfigureAwait(false)
                : await OpenSslPeers.StartAsync(behaviours).ConfigureAwait(false);
            var connections = await LoadConnection.ConnectAllAsync(peers.EndPoints, plan, setupTimeout).ConfigureAwait(false);
            try
            {
                await LoadConnection.SendPayloadAsync(connections, PayloadBytes).ConfigureAwait(false);
                peers.BeforeBurst();
                // Twice: the receiver compacts what it holds and opens its window a little while the others are filled.
                var stopped = connections.Where(c => c.Behaviour == PeerBehaviour.StopsReading).ToArray();
                for (var pass = 0; pass < 2 && stopped.Length > 0; pass++)
                {
                    foreach (var connection in stopped)
                    {
                        connection.FillSendPath();
                    }
                }

                var result = await burst.RunAsync(connections, peers.BurstStarted).ConfigureAwait(false);
                var delivered = await peers.DeliveredAsync(PayloadBytes).ConfigureAwait(false);
                for (var i = 0; i < delivered.Length; i++)
                {
                    // An abort sends no close_notify by design: there is nothing it should have delivered.
                    // A peer that stopped reading never read what we sent, whatever the close did.
                    result.Closes[i].Delivered = plan[i].Api == CloseApi.Abort || plan[i].Behaviour == PeerBehaviour.StopsReading ? null : delivered[i];
                }

                return result;
            }
            finally
            {
                foreach (var connection in connections)
                {
                    connection.Dispose();
                }
            }
        }

        /// <summary>A plan of <paramref name="count"/> connections that cycles through every API and behaviour given.</summary>
        public static (CloseApi Api, PeerBehaviour Behaviour)[] Mixed(int count, IReadOnlyList<CloseApi> apis, IReadOnlyList<PeerBehaviour> behaviours)
        {
            var pairs = apis.SelectMany(a => behaviours.Select(b => (a, b))).ToArray();
            return Enumerable.Range(0, count).Select(i => pairs[i % pairs.Length]).ToArray();
        }
    }
}
