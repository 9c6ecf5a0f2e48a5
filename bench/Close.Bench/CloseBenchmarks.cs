using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace CloseNotify.Bench
{
    /// <summary>
    /// One close of an authenticated client SslStream: plain Dispose, a hand-written graceful close (the baseline),
    /// TlsClose.GracefulAsync (with and without TlsTransport), both graceful closes also on the whole pool at once, and
    /// TlsClose.Abort. The connection and its TLS handshake are not measured: [IterationSetup] opens a pool of <see cref="ClosesPerIteration"/> authenticated connections before
    /// every iteration and the benchmark closes them all, one after the other (OperationsPerInvoke divides by the
    /// count). A pool rather than "connect+close minus a connect-only baseline": a handshake costs tens of times a
    /// close, so the difference of two noisy numbers would drown the close. The price is that BenchmarkDotNet runs
    /// one invocation per iteration (no unrolling); an iteration of 100 closes lasts a few milliseconds, well above
    /// the timer's resolution though below the 100 ms BenchmarkDotNet recommends (it says so; a bigger pool would
    /// cost a handshake more per close in set-up). The peer runs in another process (see <see cref="Peer"/>), so the allocations reported
    /// are the closing side's only. A graceful close includes the round trip to the peer (our close_notify out,
    /// its close_notify back): that is what a graceful close costs.
    /// </summary>
    [MemoryDiagnoser]
    public class CloseBenchmarks
    {
        public const int ClosesPerIteration = 100;

        // The hand-written drain reuses one buffer, as a careful author would: it should not pay for an allocation
        // the runtime avoids with its pooled buffer.
        private static readonly byte[] DrainBuffer = new byte[16 * 1024];

        private readonly List<SslStream> _pool = new List<SslStream>(ClosesPerIteration);
        private Process? _peer;
        private int _port;
        private SslClientAuthenticationOptions? _options;

        [GlobalSetup]
        public void StartPeer()
        {
            var (process, port, hash) = Peer.Start();
            _peer = process;
            _port = port;
            _options = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate != null && certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == hash,
            };
        }

        [GlobalCleanup]
        public void StopPeer()
        {
            if (_peer != null)
            {
                Peer.Stop(_peer);
            }
        }

        [IterationSetup(Targets = new[] { nameof(Dispose), nameof(HandWritten), nameof(GracefulAsync), nameof(Abort), nameof(HandWrittenConcurrent), nameof(GracefulAsyncConcurrent) })]
        public void Connect() => Connect(observed: false);

        [IterationSetup(Target = nameof(GracefulAsyncOverTlsTransport))]
        public void ConnectObserved() => Connect(observed: true);

        private void Connect(bool observed)
        {
            for (var i = 0; i < ClosesPerIteration; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect(IPAddress.Loopback, _port);
                Stream transport = new NetworkStream(socket, ownsSocket: true);
                var ssl = new SslStream(observed ? new TlsTransport(transport) : transport);
                ssl.AuthenticateAsClient(_options!);
                _pool.Add(ssl);
            }
        }

        [IterationCleanup]
        public void DisposeLeftovers()
        {
            foreach (var ssl in _pool)
            {
                ssl.Dispose();
            }

            _pool.Clear();
        }

        /// <summary>What most code does: no close_notify, a FIN (or an RST if bytes were unread).</summary>
        [Benchmark(OperationsPerInvoke = ClosesPerIteration)]
        public void Dispose()
        {
            foreach (var ssl in _pool)
            {
                ssl.Dispose();
            }
        }

        /// <summary>The graceful close written by hand: close_notify, read until the peer's, dispose. Unbounded: no
        /// time-out, no byte limit, no outcome.</summary>
        [Benchmark(Baseline = true, OperationsPerInvoke = ClosesPerIteration)]
        public async Task HandWritten()
        {
            foreach (var ssl in _pool)
            {
                await ssl.ShutdownAsync().ConfigureAwait(false);
                while (await ssl.ReadAsync(DrainBuffer).ConfigureAwait(false) != 0)
                {
                }

                ssl.Dispose();
            }
        }

        /// <summary>The runtime's graceful close with its defaults (2 s deadline, 1 MiB limit, pooled buffer).</summary>
        [Benchmark(OperationsPerInvoke = ClosesPerIteration)]
        public async Task GracefulAsync()
        {
            foreach (var ssl in _pool)
            {
                await TlsClose.GracefulAsync(ssl).ConfigureAwait(false);
            }
        }

        /// <summary>The same, with the <see cref="TlsTransport"/> the runtime recommends under the SslStream so that the
        /// result can say Clean (the peer's close_notify seen) rather than EndOfStream.</summary>
        [Benchmark(OperationsPerInvoke = ClosesPerIteration)]
        public async Task GracefulAsyncOverTlsTransport()
        {
            foreach (var ssl in _pool)
            {
                await TlsClose.GracefulAsync(ssl).ConfigureAwait(false);
            }
        }

        /// <summary>The hand-written close of the whole pool at once, as a server does on shutdown. The time is then per
        /// close at that concurrency (throughput), not the latency of one close.</summary>
        [Benchmark(OperationsPerInvoke = ClosesPerIteration)]
        public Task HandWrittenConcurrent()
        {
            var closes = new Task[_pool.Count];
            for (var i = 0; i < closes.Length; i++)
            {
                closes[i] = CloseByHandAsync(_pool[i]);
            }

            return Task.WhenAll(closes);

            static async Task CloseByHandAsync(SslStream ssl)
            {
                // Concurrent drains cannot share one buffer: pooled, like the runtime's.
                var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                try
                {
                    await ssl.ShutdownAsync().ConfigureAwait(false);
                    while (await ssl.ReadAsync(buffer).ConfigureAwait(false) != 0)
                    {
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                ssl.Dispose();
            }
        }

        /// <summary>TlsClose.GracefulAsync on the whole pool at once.</summary>
        [Benchmark(OperationsPerInvoke = ClosesPerIteration)]
        public Task GracefulAsyncConcurrent()
        {
            var closes = new Task[_pool.Count];
            for (var i = 0; i < closes.Length; i++)
            {
                closes[i] = TlsClose.GracefulAsync(_pool[i]);
            }

            return Task.WhenAll(closes);
        }

        /// <summary>The runtime's abort: no close_notify, linger 0 (RST), everything disposed.</summary>
        [Benchmark(OperationsPerInvoke = ClosesPerIteration)]
        public void Abort()
        {
            foreach (var ssl in _pool)
            {
                TlsClose.Abort(ssl);
            }
        }
    }
}
