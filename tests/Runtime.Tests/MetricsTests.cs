using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.OpenSsl;
using CloseNotify.Runtime.Tests.Peers;
using CloseNotify.Testing;
using static CloseNotify.Runtime.Tests.Matrix;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The tests that listen to the meter run alone: a <see cref="MeterListener"/> sees the closes of every thread,
    /// and a test that asserts "nobody listens" must not meet another test's listener.</summary>
    [CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
    public sealed class MetricsCollection
    {
    }

    /// <summary><see cref="TlsCloseMetrics"/>: a <see cref="MeterListener"/> sees every outcome of every API, with its
    /// duration and drained bytes; with nobody listening the instruments say so, and a close records nothing.</summary>
    [Collection(nameof(MetricsTests))]
    public sealed class MetricsTests
    {
        [Fact]
        public void Nobody_listening_leaves_every_instrument_disabled()
        {
            Assert.False(TlsCloseMetrics.Enabled);
            Assert.Equal(0, TlsCloseMetrics.Start());
        }

        [Fact]
        public async Task Clean_graceful_close_is_counted_with_its_duration()
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);

            var result = await TlsClose.GracefulAsync(pair.Ours);

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            var close = Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "graceful", "clean"));
            Assert.Equal(1, close.Value);
            var duration = Assert.Single(listener.Of(TlsCloseMetrics.DurationInstrument, "graceful", "clean"));
            Assert.InRange(duration.Value, 0, result.Elapsed.TotalSeconds + 0.001);
            Assert.Empty(listener.Of(TlsCloseMetrics.DrainedInstrument));
        }

        [Theory]
        [InlineData(Mode.Async)]
        [InlineData(Mode.Sync)]
        public async Task Silent_peer_is_counted_drain_timed_out(Mode mode)
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            pair.StartPeer(PeerScript.Silent);

            await Close(pair.Ours, mode, Bounds(drainMilliseconds: 200));

            var duration = Assert.Single(listener.Of(TlsCloseMetrics.DurationInstrument, "graceful", "drain_timed_out"));
            Assert.InRange(duration.Value, 0.2, 5);
        }

        [Fact]
        public async Task Bytes_the_peer_sends_after_close_notify_are_counted_as_drained()
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = 40_000 });

            var result = await TlsClose.GracefulAsync(pair.Ours, Bounds());

            Assert.Equal(TlsCloseOutcome.Clean, result.Outcome);
            Assert.Equal(40_000, result.BytesDrained);
            var drained = Assert.Single(listener.Of(TlsCloseMetrics.DrainedInstrument, "graceful", "clean"));
            Assert.Equal(40_000, drained.Value);
        }

        [Fact]
        public async Task Peer_that_keeps_sending_is_counted_byte_limit_reached()
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            pair.StartPeer(new PeerScript { SendAfterCloseNotify = -1 });

            var result = await TlsClose.GracefulAsync(pair.Ours, Bounds(maxBytes: 64 * 1024));

            Assert.Equal(TlsCloseOutcome.ByteLimitReached, result.Outcome);
            Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "graceful", "byte_limit_reached"));
            Assert.Equal(result.BytesDrained, listener.Of(TlsCloseMetrics.DrainedInstrument, "graceful", "byte_limit_reached").Sum(m => m.Value));
        }

        [Fact]
        public async Task Stream_without_a_session_is_counted_no_session()
        {
            using var listener = new Recorder();

            await TlsClose.GracefulAsync(new MemoryStream());

            Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "graceful", "no_session"));
        }

        [Fact]
        public async Task Cancelled_close_is_counted_cancelled()
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            pair.StartPeer(PeerScript.Silent);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TlsClose.GracefulAsync(pair.Ours, Bounds(), cancel.Token));

            var close = Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "graceful", "cancelled"));
            Assert.DoesNotContain(close.Tags, t => t.Key == TlsCloseMetrics.ErrorTypeTag);
        }

        [Fact]
        public async Task Non_benign_error_is_counted_error_with_its_type()
        {
            using var listener = new Recorder();
            FailingReads? transport = null;
            await using var pair = await TlsPair.ConnectAsync(new PairOptions
            {
                CreateOurs = (inner, leaveOpen) => new SslStream(transport = new FailingReads(inner), leaveOpen),
            });
            await pair.PingAsync();
            pair.StartPeer(PeerScript.Answer);
            transport!.Armed = true;

            var error = await Assert.ThrowsAnyAsync<Exception>(() => TlsClose.GracefulAsync(pair.Ours, Bounds()));

            Assert.False(TlsErrors.IsBenign(error));
            var close = Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "graceful", "error"));
            Assert.Contains(close.Tags, t => t.Key == TlsCloseMetrics.ErrorTypeTag && (string?)t.Value == error.GetType().FullName);
        }

        [Fact]
        public async Task Notify_is_counted_sent_and_no_session()
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);
            pair.StartPeer(PeerScript.Answer);

            Assert.True(await Bounded.OnThread(() => TlsClose.Notify(pair.Ours)));
            Assert.False(TlsClose.Notify(new MemoryStream()));

            Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "notify", "sent"));
            Assert.Single(listener.Of(TlsCloseMetrics.DurationInstrument, "notify", "sent"));
            Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "notify", "no_session"));
        }

        [Fact]
        public async Task Abort_is_counted_aborted()
        {
            using var listener = new Recorder();
            await using var pair = await Connect(Role.Client, SslProtocols.Tls13);

            TlsClose.Abort(pair.Ours);

            Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "abort", "aborted"));
        }

        [Fact]
        public async Task OpenSsl_shutdown_is_counted_with_its_outcome_sync_async_and_by_steps()
        {
            using var listener = new Recorder();
            foreach (var drive in new Func<IntPtr, Task<TlsCloseResult>>[]
            {
                ssl => Task.FromResult(OpenSslShutdown.Drive(ssl)),
                OpenSslShutdown.DriveAsync,
                ssl => Task.FromResult(OpenSslShutdown.Drive(ssl, new TlsCloseOptions { DrainTimeout = TimeSpan.FromMilliseconds(100) }, CancellationToken.None)),
            })
            {
                using var server = OpenSslProcess.StartServer(SslProtocols.Tls13);
                using var connection = OpenSslConnection.Connect(server.EndPoint, SslProtocols.Tls13);
                Assert.Equal(TlsCloseOutcome.Clean, (await drive(connection.Ssl)).Outcome);
            }

            using (var server = OpenSslProcess.StartServer(SslProtocols.Tls13))
            using (var connection = OpenSslConnection.Connect(server.EndPoint, SslProtocols.Tls13))
            {
                server.Pause();
                var operation = OpenSslShutdown.Begin(connection.Ssl, new TlsCloseOptions { DrainTimeout = TimeSpan.FromMilliseconds(100) });
                while (operation.Step() != OpenSslWait.Done)
                {
                    Thread.Sleep(20);
                }
            }

            Assert.Equal(3, listener.Of(TlsCloseMetrics.ClosesInstrument, "openssl", "clean").Count());
            Assert.Single(listener.Of(TlsCloseMetrics.ClosesInstrument, "openssl", "drain_timed_out"));
        }

        [Fact]
        public void Every_outcome_has_a_snake_case_name()
        {
            foreach (var outcome in Enum.GetValues<TlsCloseOutcome>())
            {
                var name = TlsCloseMetrics.NameOf(outcome);
                Assert.Matches("^[a-z]+(_[a-z]+)*$", name);
                Assert.Equal(outcome.ToString().ToLowerInvariant(), name.Replace("_", string.Empty));
            }
        }

        /// <summary>A transport whose reads fail, once armed, with an error no close may swallow.</summary>
        private sealed class FailingReads(Stream inner) : Stream
        {
            public volatile bool Armed;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => Armed ? throw new InvalidOperationException("not benign") : inner.Read(buffer, offset, count);

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                Armed ? throw new InvalidOperationException("not benign") : inner.ReadAsync(buffer, cancellationToken);

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

            public override void Flush() => inner.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        /// <summary>Listens to the CloseNotify meter and keeps every measurement.</summary>
        private sealed class Recorder : IDisposable
        {
            private readonly MeterListener listener = new MeterListener();
            private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> measurements = new();

            public Recorder()
            {
                listener.InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == TlsCloseMetrics.MeterName)
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                };
                listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, tags.ToArray())));
                listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, tags.ToArray())));
                listener.Start();
            }

            public IEnumerable<(double Value, KeyValuePair<string, object?>[] Tags)> Of(string instrument, string? method = null, string? outcome = null) =>
                measurements.Where(m => m.Instrument == instrument
                        && (method == null || m.Tags.Contains(new KeyValuePair<string, object?>(TlsCloseMetrics.MethodTag, method)))
                        && (outcome == null || m.Tags.Contains(new KeyValuePair<string, object?>(TlsCloseMetrics.OutcomeTag, outcome))))
                    .Select(m => (m.Value, m.Tags))
                    .ToArray();

            public void Dispose() => listener.Dispose();
        }
    }
}
