using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Testing
{
    /// <summary>What the peer does: its scripted opening and reply, and the actions a test calls.</summary>
    public sealed partial class TlsPeer
    {
        private async Task OpenAsync()
        {
            var opening = script;
            try
            {
                if (opening.OpeningDelay > TimeSpan.Zero)
                {
                    await Task.Delay(opening.OpeningDelay, stop.Token).ConfigureAwait(false);
                }

                switch (opening.Opening)
                {
                    case PeerOpening.CloseNotifyFirst:
                        await SendCloseNotifyAsync(stop.Token).ConfigureAwait(false);
                        break;
                    case PeerOpening.FinWithoutCloseNotify:
                        ShutdownSend();
                        break;
                    case PeerOpening.Reset:
                        ResetNow();
                        break;
                    case PeerOpening.TruncatedRecord:
                        await SendCutRecordAsync(1000, stop.Token).ConfigureAwait(false);
                        break;
                    case PeerOpening.StopReading:
                        transport!.Pause();
                        break;
                }
            }
            catch (Exception e)
            {
                // The other side may already be gone: the report says what was seen; the error is kept for it.
                KeepSendError(e);
            }
        }

        /// <summary>The answer to the other side's close_notify: data first if scripted, then the reply.</summary>
        private async Task ReplyAsync(PeerScript reply)
        {
            try
            {
                if (reply.ReplyDelay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.ReplyDelay, stop.Token).ConfigureAwait(false);
                }

                var chunk = new byte[reply.ChunkSize];
                for (var left = reply.SendAfterCloseNotify; left != 0 && !stop.IsCancellationRequested; left = left < 0 ? left : left - Math.Min(left, chunk.Length))
                {
                    await WriteAsync(chunk, left < 0 ? chunk.Length : (int)Math.Min(left, chunk.Length), stop.Token).ConfigureAwait(false);
                    if (reply.ChunkInterval > TimeSpan.Zero)
                    {
                        await Task.Delay(reply.ChunkInterval, stop.Token).ConfigureAwait(false);
                    }
                }

                switch (reply.Reply)
                {
                    case PeerReply.CloseNotify:
                        await SendCloseNotifyAsync(stop.Token).ConfigureAwait(false);
                        break;
                    case PeerReply.Fin:
                        ShutdownSend();
                        break;
                    case PeerReply.Reset:
                        ResetNow();
                        break;
                }
            }
            catch (Exception e)
            {
                KeepSendError(e);
            }
        }

        private async Task WriteAsync(byte[] data, int count, CancellationToken cancellationToken)
        {
            var tls = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
            await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await tls.WriteAsync(data, 0, count, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref bytesSent, count);
            }
            finally
            {
                writeLock.Release();
            }
        }

        private async Task SendCloseNotifyAsync(CancellationToken cancellationToken)
        {
            var tls = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
#if SHUTDOWN_BY_REFLECTION
            var shutdown = SslShutdown.Start ?? throw new PlatformNotSupportedException("This framework's SslStream has no ShutdownAsync (.NET Framework 4.6.x): it cannot send close_notify.");
#else
            Func<System.Net.Security.SslStream, Task> shutdown = stream => stream.ShutdownAsync();
#endif
            await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                bool again;
                lock (gate)
                {
                    again = closeNotifySending;
                    peerClosedFirst |= !again && !closeNotifyReceived;
                    closeNotifySending = true;
                }

                // One close_notify per connection: a scripted reply after a close-first sends none again.
                // Marked before the write completes: the other side can read the alert, close, and end this
                // connection's report before the continuation after the write runs.
                if (!again)
                {
                    lock (gate)
                    {
                        peerSentCloseNotify = true;
                    }

                    try
                    {
                        await shutdown(tls).ConfigureAwait(false);
                    }
                    catch
                    {
                        lock (gate)
                        {
                            peerSentCloseNotify = false;
                        }

                        throw;
                    }
                }
            }
            finally
            {
                writeLock.Release();
            }

            ShutdownSend();
        }

        private async Task SendCutRecordAsync(int length, CancellationToken cancellationToken)
        {
            var tls = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
            await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                transport!.CutNextWrite = true;
                await tls.WriteAsync(new byte[length], 0, length, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }

        private async Task<System.Net.Security.SslStream> ConnectedAsync(CancellationToken cancellationToken)
        {
            await Waits.WithinAsync(handshake.Task, options.Timeout, cancellationToken).ConfigureAwait(false);
            if (!handshake.Task.IsCompleted || !handshake.Task.Result)
            {
                throw new InvalidOperationException("The peer has no TLS connection: " + Snapshot(options.Timeout));
            }

            return ssl!;
        }

        private void ShutdownSend()
        {
            try
            {
                socket?.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                KeepSendError(e);
            }
        }

        private void ResetNow()
        {
            lock (gate)
            {
                stopping = true;
            }

            try
            {
                if (socket != null)
                {
                    // Linger 0: close sends RST, not FIN (and drops anything unsent).
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Dispose();
                }
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }

        private void CloseSocket()
        {
            try
            {
                socket?.Dispose();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private void Stop()
        {
            lock (gate)
            {
                stopping = true;
            }

            stop.Cancel();
            listener?.Dispose();
            CloseSocket();
            transport?.Resume();
        }

        private void KeepSendError(Exception e)
        {
            lock (gate)
            {
                sendError ??= e;
            }
        }

        private async Task<byte[]> ReceiveCoreAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                Task next;
                lock (gate)
                {
                    if (recorded.Length - receiveCursor >= count)
                    {
                        var bytes = new byte[count];
                        Array.Copy(recorded.GetBuffer(), receiveCursor, bytes, 0, count);
                        receiveCursor += count;
                        return bytes;
                    }

                    next = changed.Task;
                }

                var left = deadline - DateTime.UtcNow;
                if (finished.Task.IsCompleted || left <= TimeSpan.Zero || !await Waits.WithinAsync(next, left, cancellationToken).ConfigureAwait(false))
                {
                    var report = Snapshot(timeout);
                    throw new TlsPeerAssertionException(
                        Sentence($"{report}; expected {count} more byte{(count == 1 ? string.Empty : "s")} after the {receiveCursor} already received."), report);
                }
            }
        }
    }
}
