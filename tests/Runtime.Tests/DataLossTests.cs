using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;
using Xunit.Abstractions;

namespace CloseNotify.Runtime.Tests
{
    [CollectionDefinition(nameof(DataLossCollection), DisableParallelization = true)]
    public sealed class DataLossCollection
    {
    }

    /// <summary>The reason for the drain: a server that answers and closes while the client's request bytes still sit
    /// unread in its receive buffer. Linux then sends RST instead of FIN and drops what it had not yet sent, so the
    /// client may lose the tail of the response. The graceful close reads those bytes first. Runs alone: it measures.</summary>
    [Collection(nameof(DataLossCollection))]
    public sealed class DataLossTests(ITestOutputHelper output)
    {
        private const int ResponseBytes = 256 * 1024;
        private const int RequestBodyBytes = 64 * 1024;
        private const int Iterations = 100;
        private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

        // 64 KiB: a client window smaller than the response, as on any real network, so that part of the response is
        // still in the server's send queue when the server closes. 0: the loopback default (autotuned, large).
        [Theory]
        [InlineData(64 * 1024)]
        [InlineData(0)]
        public async Task Graceful_close_delivers_every_byte_where_Dispose_may_lose_the_tail(int clientReceiveBuffer)
        {
            var dispose = await Measure(graceful: false, clientReceiveBuffer);
            var graceful = await Measure(graceful: true, clientReceiveBuffer);

            output.WriteLine($"client receive buffer {(clientReceiveBuffer == 0 ? "default" : clientReceiveBuffer.ToString())}, response {ResponseBytes} bytes, unread request body {RequestBodyBytes} bytes");
            output.WriteLine(dispose.ToString());
            output.WriteLine(graceful.ToString());
            Assert.True(graceful.Runs >= 10, $"only {graceful.Runs} graceful runs in {Budget}");
            Assert.Equal(0, graceful.Losses);
        }

        private async Task<Tally> Measure(bool graceful, int clientReceiveBuffer)
        {
            var tally = new Tally(graceful ? "TlsClose.GracefulAsync" : "Dispose");
            var clock = Stopwatch.StartNew();
            while (tally.Runs < Iterations && clock.Elapsed < Budget)
            {
                var received = await Bounded.Wait(RunOnce(graceful, clientReceiveBuffer));
                tally.Add(received);
            }

            tally.Elapsed = clock.Elapsed;
            return tally;
        }

        /// <summary>One request/response; returns how many response bytes the client got before its stream ended.</summary>
        private static async Task<long> RunOnce(bool graceful, int clientReceiveBuffer)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            using var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (clientReceiveBuffer > 0)
            {
                clientSocket.ReceiveBufferSize = clientReceiveBuffer;
            }

            var accepting = listener.AcceptAsync();
            await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
            using var serverSocket = await accepting;

            var server = Task.Run(() => Serve(serverSocket, graceful));
            var client = Task.Run(() => Request(clientSocket));
            await Task.WhenAll(server, client);
            return await client;
        }

        private static async Task Serve(Socket socket, bool graceful)
        {
            var ssl = new SslStream(new TlsTransport(new NetworkStream(socket, ownsSocket: true)));
            await ssl.AuthenticateAsServerAsync(TlsPair.ServerOptions(SslProtocols.Tls13));

            // The server reads the request header only: the body stays unread.
            await ssl.ReadExactlyAsync(new byte[4]);
            await ssl.WriteAsync(new byte[ResponseBytes]);
            if (graceful)
            {
                var result = await TlsClose.GracefulAsync(ssl);
                Assert.True(result.Outcome == TlsCloseOutcome.Clean, result.ToString());
                Assert.Equal(RequestBodyBytes, result.BytesDrained);
            }
            else
            {
                ssl.Dispose();
            }
        }

        private static async Task<long> Request(Socket socket)
        {
            using var ssl = new SslStream(new TlsTransport(new NetworkStream(socket, ownsSocket: false)));
            await ssl.AuthenticateAsClientAsync(TlsPair.ClientOptions(SslProtocols.Tls13));
            var buffer = new byte[16 * 1024];
            long received = 0;
            try
            {
                // The server answers after the header: a reset can already hit the end of this write.
                await ssl.WriteAsync(new byte[4 + RequestBodyBytes]);
                int read;
                while ((read = await ssl.ReadAsync(buffer)) > 0)
                {
                    received += read;
                }

                await TlsClose.GracefulAsync(ssl);
            }
            catch (IOException)
            {
                // A reset: what was received so far is all the client gets.
            }

            return received;
        }

        private sealed class Tally(string name)
        {
            public int Runs { get; private set; }

            public int Losses { get; private set; }

            public long BytesLost { get; private set; }

            /// <summary>Runs where the client got nothing (the reset hit it before the first response record).</summary>
            public int Empty { get; private set; }

            public TimeSpan Elapsed { get; set; }

            public void Add(long received)
            {
                Runs++;
                if (received < ResponseBytes)
                {
                    Losses++;
                    BytesLost += ResponseBytes - received;
                    Empty += received == 0 ? 1 : 0;
                }
            }

            public override string ToString() =>
                $"{name}: {Losses}/{Runs} responses truncated ({100.0 * Losses / Math.Max(1, Runs):0.#}%, {Empty} with no byte at all), {BytesLost} bytes lost, {Elapsed.TotalSeconds:0.0} s";
        }
    }
}
