using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Testing
{
    /// <summary>The peer's transport, between its <see cref="System.Net.Security.SslStream"/> and the socket: it sees
    /// the TLS records the other side sends, and how the TCP connection ends.</summary>
    /// <remarks>
    /// <para>The idea is the runtime's <c>TlsTransport</c>: SslStream returns 0 from a read both when it decrypted a
    /// close_notify and when the transport ended without one, and it reads the transport again only in the second case.
    /// This stream does more, so it is its own code rather than a shared file: every read is cut at the end of the
    /// current TLS record. SslStream then never holds bytes past the record it is decrypting, so when its read returns
    /// 0 for a close_notify, everything this stream has handed out ends exactly with the close_notify record, and what
    /// comes later (records after close_notify, the FIN or the reset) is read here, below TLS. In TLS 1.3 the alert
    /// is an encrypted record like any other (outer type application_data), so that is the only way to place it; in
    /// TLS 1.2 the alert's record type is visible too and is kept as <see cref="LastRecordType"/>.</para>
    /// <para>Writes go straight to the socket; <see cref="CutNextWrite"/> sends only part of the next record, then a
    /// FIN: a truncated record, as the other side's TLS stack sees it.</para>
    /// </remarks>
    internal sealed class RecordStream : Stream
    {
        public const byte AlertRecord = 21;
        private const int HeaderLength = 5;

        // 2^14 plaintext + 2048 expansion (RFC 5246 §6.2.3) + header: the largest record; twice for the read-ahead.
        private readonly byte[] buffer = new byte[2 * (HeaderLength + 16384 + 2048)];
        private readonly Socket socket;
        private int start;
        private int end;
        private int recordLeft;
        private long recordsCompleted;
        private long bytesIn;
        private int lastRecordType = -1;
        private int currentType = -1;
        private volatile bool cutNextWrite;
        private TaskCompletionSource<bool>? paused;

        public RecordStream(Socket socket) => this.socket = socket;

        /// <summary>A read of the socket returned 0: the other side sent its FIN.</summary>
        public bool ReachedEnd { get; private set; }

        /// <summary>A read of the socket failed with a reset (ECONNRESET).</summary>
        public bool WasReset { get; private set; }

        /// <summary>The connection ended (FIN or reset) with part of a record still missing.</summary>
        public bool EndedMidRecord { get; private set; }

        /// <summary>Whole records read so far.</summary>
        public long RecordsCompleted => Interlocked.Read(ref recordsCompleted);

        /// <summary>Bytes handed out so far (record headers included).</summary>
        public long BytesIn => Interlocked.Read(ref bytesIn);

        /// <summary>The content type of the last whole record (21 alert, 23 application data; -1 before any).</summary>
        public int LastRecordType => lastRecordType;

        /// <summary>True between records (no record started and unfinished).</summary>
        public bool AtRecordBoundary => recordLeft == 0;

        /// <summary>Set to send only part of the next write (a record from SslStream), then a FIN.</summary>
        public bool CutNextWrite
        {
            get => cutNextWrite;
            set => cutNextWrite = value;
        }

        /// <summary>Stops reading the socket (a read already waiting on it still completes) until <see cref="Resume"/>.</summary>
        public void Pause() => Interlocked.CompareExchange(ref paused, Waits.Signal(), null);

        /// <summary>Reads the socket again; also what ends a paused read when the peer stops.</summary>
        public void Resume() => Interlocked.Exchange(ref paused, null)?.TrySetResult(true);

        /// <summary>Set once a write was cut.</summary>
        public bool WriteWasCut { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>Reads at most to the end of the current record.</summary>
        public override async Task<int> ReadAsync(byte[] destination, int offset, int count, CancellationToken cancellationToken)
        {
            if (count == 0)
            {
                return 0;
            }

            if (recordLeft == 0)
            {
                // At a boundary: the header tells how long the next record is.
                if (!await FillAsync(HeaderLength, cancellationToken).ConfigureAwait(false))
                {
                    return HandOut(destination, offset, Math.Min(count, end - start));
                }

                currentType = this.buffer[start];
                recordLeft = HeaderLength + ((this.buffer[start + 3] << 8) | this.buffer[start + 4]);
            }

            if (end == start && !await FillAsync(1, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            return HandOut(destination, offset, Math.Min(Math.Min(count, end - start), recordLeft));
        }

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task WriteAsync(byte[] source, int offset, int count, CancellationToken cancellationToken)
        {
            if (cutNextWrite && count > HeaderLength + 1)
            {
                // The header and part of the body, never the whole record; then a FIN.
                cutNextWrite = false;
                WriteWasCut = true;
                await SendAsync(source, offset, HeaderLength + ((count - HeaderLength) / 2), cancellationToken).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Send);
                return;
            }

            await SendAsync(source, offset, count, cancellationToken).ConfigureAwait(false);
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private int HandOut(byte[] destination, int offset, int count)
        {
            if (count <= 0)
            {
                return 0;
            }

            Buffer.BlockCopy(buffer, start, destination, offset, count);
            start += count;
            Interlocked.Add(ref bytesIn, count);
            if (recordLeft > 0)
            {
                recordLeft -= count;
                if (recordLeft == 0)
                {
                    lastRecordType = currentType;
                    Interlocked.Increment(ref recordsCompleted);
                }
            }

            return count;
        }

        /// <summary>Makes at least <paramref name="needed"/> bytes available; false when the connection ended first.</summary>
        private async Task<bool> FillAsync(int needed, CancellationToken cancellationToken)
        {
            await WhilePausedAsync(cancellationToken).ConfigureAwait(false);
            if (end - start >= needed)
            {
                return true;
            }

            if (ReachedEnd || WasReset)
            {
                return false;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            while (end - start < needed)
            {
                int read;
                try
                {
                    read = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    WasReset = true;
                    EndedMidRecord = recordLeft > 0 || end > start;
                    throw new IOException("The other side reset the connection.", e);
                }

                if (read == 0)
                {
                    ReachedEnd = true;
                    EndedMidRecord = recordLeft > 0 || end > start;
                    return false;
                }

                end += read;
            }

            // A read already waiting on the socket when the peer paused keeps what it got until the peer reads again.
            await WhilePausedAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        private async Task WhilePausedAsync(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref paused) is { } pause)
            {
                await pause.Task.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        private Task<int> ReceiveAsync(CancellationToken cancellationToken)
        {
#if NET
            return socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken).AsTask();
#else
            // No cancellable receive here: the peer ends a pending read by closing the socket.
            cancellationToken.ThrowIfCancellationRequested();
            return socket.ReceiveAsync(new ArraySegment<byte>(buffer, end, buffer.Length - end), SocketFlags.None);
#endif
        }

        private async Task SendAsync(byte[] source, int offset, int count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
#if NET
                var sent = await socket.SendAsync(source.AsMemory(offset, count), SocketFlags.None, cancellationToken).ConfigureAwait(false);
#else
                cancellationToken.ThrowIfCancellationRequested();
                var sent = await socket.SendAsync(new ArraySegment<byte>(source, offset, count), SocketFlags.None).ConfigureAwait(false);
#endif
                offset += sent;
                count -= sent;
            }
        }
    }
}
