using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>A one-connection TCP relay on 127.0.0.1 between a TLS client and server, that forwards bytes both ways
    /// and injects faults on request: a reset of one side, a stall, a corrupted byte.</summary>
    public sealed class TcpRelay : IDisposable
    {
        private readonly Socket listener;
        private readonly IPEndPoint target;
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly TaskCompletionSource connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile TaskCompletionSource resume = Completed();
        private Socket? clientSide;
        private Socket? serverSide;
        private readonly int[] corruptNext = new int[2];

        private TcpRelay(IPEndPoint target)
        {
            this.target = target;
            listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            EndPoint = (IPEndPoint)listener.LocalEndPoint!;
            _ = RunAsync();
        }

        /// <summary>Where the TLS client connects.</summary>
        public IPEndPoint EndPoint { get; }

        /// <summary>Bytes forwarded from the server to the client.</summary>
        public long BytesToClient => Interlocked.Read(ref bytesTo[1]);

        // Index 0: toward the server; 1: toward the client.
        private readonly long[] bytesTo = new long[2];
        private readonly long[] resetAfter = { -1, -1 };
        private readonly bool[] cutWithReset = new bool[2];

        /// <summary>Starts a relay to <paramref name="target"/> (the TLS server's listening end point).</summary>
        public static TcpRelay Start(IPEndPoint target) => new TcpRelay(target);

        /// <summary>Completes when both legs are connected.</summary>
        public Task Connected => connected.Task;

        /// <summary>Stops forwarding in both directions; bytes stay in the kernel buffers.</summary>
        public void Stall() => resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Forwards again after <see cref="Stall"/>.</summary>
        public void Resume() => resume.TrySetResult();

        /// <summary>Resets the leg to <paramref name="leg"/> once <paramref name="bytes"/> more bytes were forwarded
        /// to it; the other leg stays open, as behind a middlebox that dropped the connection.</summary>
        public void ResetAfter(Role leg, long bytes) => CutAfter(leg, bytes, reset: true);

        /// <summary>Ends the leg to <paramref name="leg"/> once <paramref name="bytes"/> more bytes were forwarded to
        /// it: with a reset, or with a FIN (<paramref name="reset"/> false), which can cut a TLS record in two.</summary>
        public void CutAfter(Role leg, long bytes, bool reset)
        {
            var i = leg == Role.Client ? 1 : 0;
            cutWithReset[i] = reset;
            Interlocked.Exchange(ref resetAfter[i], Interlocked.Read(ref bytesTo[i]) + bytes);
        }

        /// <summary>Resets the leg to <paramref name="leg"/> now; the other leg stays open and hears nothing more.</summary>
        public void Reset(Role leg) => Reset(leg == Role.Client ? clientSide : serverSide);

        /// <summary>Flips one bit in the last byte of the next chunk forwarded to <paramref name="leg"/> (a tampered
        /// TLS record: the byte belongs to a record's authentication tag).</summary>
        public void CorruptNextTo(Role leg) => Interlocked.Exchange(ref corruptNext[leg == Role.Client ? 1 : 0], 1);

        public void Dispose()
        {
            stop.Cancel();
            listener.Dispose();
            clientSide?.Dispose();
            serverSide?.Dispose();
            resume.TrySetResult();
        }

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }

        private static void Reset(Socket? socket)
        {
            if (socket == null)
            {
                throw new InvalidOperationException("The relay is not connected.");
            }

            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            socket.Dispose();
        }

        private async Task RunAsync()
        {
            try
            {
                clientSide = await listener.AcceptAsync(stop.Token);
                serverSide = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                clientSide.NoDelay = true;
                await serverSide.ConnectAsync(target, stop.Token);
                connected.TrySetResult();
                await Task.WhenAll(PumpAsync(clientSide, serverSide, toClient: false), PumpAsync(serverSide, clientSide, toClient: true));
            }
            catch (Exception e)
            {
                connected.TrySetException(e);
            }
        }

        private async Task PumpAsync(Socket from, Socket to, bool toClient)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    await resume.Task;
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                    await resume.Task;
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    var i = toClient ? 1 : 0;
                    if (Interlocked.Exchange(ref corruptNext[i], 0) == 1)
                    {
                        buffer[read - 1] ^= 0x40;
                    }

                    var count = read;
                    var limit = Interlocked.Read(ref resetAfter[i]);
                    var sent = Interlocked.Read(ref bytesTo[i]);
                    if (limit >= 0 && sent + count >= limit)
                    {
                        count = (int)(limit - sent);
                    }

                    if (count > 0)
                    {
                        await to.SendAsync(buffer.AsMemory(0, count), SocketFlags.None, stop.Token);
                    }

                    if (Interlocked.Add(ref bytesTo[i], count) >= limit && limit >= 0)
                    {
                        if (cutWithReset[i])
                        {
                            Reset(to);
                        }
                        else
                        {
                            to.Shutdown(SocketShutdown.Send);
                        }

                        return;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // A leg ended (reset, disposed, relay stopped): the relay forwards nothing more that way.
            }
        }
    }
}
