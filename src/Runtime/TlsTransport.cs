using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify
{
    /// <summary>A pass-through stream to put between the transport and an <see cref="System.Net.Security.SslStream"/>
    /// (<c>new SslStream(new TlsTransport(networkStream))</c>) so that <see cref="TlsClose"/> can tell a peer's
    /// close_notify from a bare TCP close.</summary>
    /// <remarks><see cref="System.Net.Security.SslStream"/> returns 0 from a read both when it decrypts the peer's
    /// close_notify and when the transport ends without one. It reads the transport again only in the second case,
    /// so a transport that saw its own end of stream tells the two apart. Without this wrapper a close that reads
    /// to the end reports <see cref="TlsCloseOutcome.EndOfStream"/>.</remarks>
    public sealed class TlsTransport : Stream
    {
        private readonly bool leaveOpen;
        private volatile bool reachedEnd;

        /// <summary>Wraps <paramref name="transport"/>.</summary>
        /// <param name="transport">The stream under TLS, usually a <see cref="System.Net.Sockets.NetworkStream"/>.</param>
        /// <param name="leaveOpen">True to leave <paramref name="transport"/> open when this stream is disposed.</param>
        /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
        public TlsTransport(Stream transport, bool leaveOpen = false)
        {
            Transport = transport ?? throw new ArgumentNullException(nameof(transport));
            this.leaveOpen = leaveOpen;
        }

        /// <summary>The wrapped transport.</summary>
        public Stream Transport { get; }

        /// <summary>True once a read of the transport returned 0: the peer closed its side of the connection.</summary>
        public bool ReachedEnd => reachedEnd;

        /// <inheritdoc />
        public override bool CanRead => Transport.CanRead;

        /// <inheritdoc />
        public override bool CanSeek => false;

        /// <inheritdoc />
        public override bool CanWrite => Transport.CanWrite;

        /// <inheritdoc />
        public override bool CanTimeout => Transport.CanTimeout;

        /// <inheritdoc />
        public override int ReadTimeout { get => Transport.ReadTimeout; set => Transport.ReadTimeout = value; }

        /// <inheritdoc />
        public override int WriteTimeout { get => Transport.WriteTimeout; set => Transport.WriteTimeout = value; }

        /// <inheritdoc />
        public override long Length => throw new NotSupportedException();

        /// <inheritdoc />
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        /// <inheritdoc />
        public override int Read(byte[] buffer, int offset, int count) => Observe(Transport.Read(buffer, offset, count), count);

        /// <inheritdoc />
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
#if SPAN_STREAMS
            return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
#else
            // A read that completed at once is observed and returned as it is: no state machine.
            var read = Transport.ReadAsync(buffer, offset, count, cancellationToken);
            if (read.Status != TaskStatus.RanToCompletion)
            {
                return ObserveAsync(read, count);
            }

            Observe(read.Result, count);
            return read;
#endif
        }
#if SPAN_STREAMS

        /// <inheritdoc />
        public override int Read(Span<byte> buffer) => Observe(Transport.Read(buffer), buffer.Length);

        /// <inheritdoc />
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            // A read that completed at once (data already in the socket buffer) costs no state machine.
            var read = Transport.ReadAsync(buffer, cancellationToken);
            return read.IsCompletedSuccessfully
                ? new ValueTask<int>(Observe(read.Result, buffer.Length))
                : ObserveAsync(read, buffer.Length);
        }

        /// <inheritdoc />
        public override void Write(ReadOnlySpan<byte> buffer) => Transport.Write(buffer);

        /// <inheritdoc />
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
            Transport.WriteAsync(buffer, cancellationToken);
#endif

        /// <inheritdoc />
        public override void Write(byte[] buffer, int offset, int count) => Transport.Write(buffer, offset, count);

        /// <inheritdoc />
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Transport.WriteAsync(buffer, offset, count, cancellationToken);

        /// <inheritdoc />
        public override void Flush() => Transport.Flush();

        /// <inheritdoc />
        public override Task FlushAsync(CancellationToken cancellationToken) => Transport.FlushAsync(cancellationToken);

        /// <inheritdoc />
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        /// <inheritdoc />
        public override void SetLength(long value) => throw new NotSupportedException();

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                Transport.Dispose();
            }

            base.Dispose(disposing);
        }

#if SPAN_STREAMS
#if NET6_0_OR_GREATER
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
#endif
        private async ValueTask<int> ObserveAsync(ValueTask<int> read, int requested) =>
            Observe(await read.ConfigureAwait(false), requested);
#else
        private async Task<int> ObserveAsync(Task<int> read, int requested) =>
            Observe(await read.ConfigureAwait(false), requested);
#endif

        private int Observe(int read, int requested)
        {
            if (read == 0 && requested > 0)
            {
                reachedEnd = true;
            }

            return read;
        }
    }
}
