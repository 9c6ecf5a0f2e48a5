using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace CloseNotify
{
    /// <summary>Tells the errors that may be ignored while a TLS connection is being closed from those that must
    /// surface.</summary>
    /// <remarks>
    /// <para>Benign during a close (the connection is ending anyway and nothing was lost that the close could save):</para>
    /// <list type="bullet">
    /// <item><description>the peer reset the connection or the pipe broke: a <see cref="SocketException"/> (alone or inside an
    /// <see cref="IOException"/>) with <see cref="SocketError.ConnectionReset"/>, <see cref="SocketError.ConnectionAborted"/>,
    /// <see cref="SocketError.Shutdown"/> (EPIPE), <see cref="SocketError.NotConnected"/>, <see cref="SocketError.Disconnecting"/>
    /// or <see cref="SocketError.OperationAborted"/> (our own socket closed under a pending read);</description></item>
    /// <item><description>the transport ended inside a TLS record: an <see cref="IOException"/> with no inner exception, which is
    /// how <see cref="System.Net.Security.SslStream"/> reports an end of stream in the middle of a frame;</description></item>
    /// <item><description>the stream was already disposed: <see cref="ObjectDisposedException"/>.</description></item>
    /// </list>
    /// <para>Never benign: authentication and certificate errors (<see cref="AuthenticationException"/>, and an
    /// <see cref="IOException"/> wrapping a TLS protocol error, such as a bad record MAC, which may be tampering);
    /// <see cref="InvalidOperationException"/> (overlapping reads or writes: a bug); <see cref="NotSupportedException"/>;
    /// <see cref="OperationCanceledException"/> (a cancellation the caller asked for must surface as one); socket time-outs,
    /// which hide a stuck peer; and every other exception.</para>
    /// <para>The classification is about errors raised by the close itself (shutdown, drain, dispose). An I/O error from
    /// before the close began is not made benign by being caught near one.</para>
    /// <para>Given the stream being closed (<see cref="IsBenign(Exception, Stream?)"/>), the errors of a close that has
    /// nothing to do are benign too: <see cref="InvalidOperationException"/> from a stream that can no longer write (a
    /// TLS stream never authenticated, whose handshake failed or is unfinished, that was disposed, or whose close_notify
    /// already left), and the failed handshake's own error that some frameworks raise again from a stream with no session.
    /// An <see cref="InvalidOperationException"/> from a stream that can still write stays non-benign.</para>
    /// </remarks>
    public static class TlsErrors
    {
        /// <summary>True when <paramref name="exception"/> may be ignored during a TLS close (see the remarks of
        /// <see cref="TlsErrors"/>). An <see cref="AggregateException"/> is benign when all its inner exceptions are.</summary>
        /// <param name="exception">The exception caught while closing.</param>
        /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
        public static bool IsBenign(Exception exception)
        {
            if (exception == null)
            {
                throw new ArgumentNullException(nameof(exception));
            }

            switch (exception)
            {
                case OperationCanceledException:
                case AuthenticationException:
                case InvalidOperationException and not ObjectDisposedException:
                case NotSupportedException:
                    return false;
                case ObjectDisposedException:
                    return true;
                case SocketException socket:
                    return IsDisconnect(socket.SocketErrorCode);
                case IOException io:
                    // SslStream's end of stream inside a record has no inner exception; a TLS protocol failure carries
                    // the platform's error (Win32Exception or an OpenSSL exception), a transport failure its SocketException.
                    return io.InnerException switch
                    {
                        null => true,
                        SocketException socket => IsDisconnect(socket.SocketErrorCode),
                        ObjectDisposedException => true,
                        IOException wrapped => IsBenign(wrapped),
                        _ => false,
                    };
                case AggregateException aggregate:
                    var inner = aggregate.Flatten().InnerExceptions;
                    if (inner.Count == 0)
                    {
                        return false;
                    }

                    foreach (var e in inner)
                    {
                        if (!IsBenign(e))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary>True when <paramref name="exception"/> may be ignored during the close of <paramref name="stream"/>: the
        /// benign errors of <see cref="IsBenign(Exception)"/>, and those of a close that has nothing left to do because the
        /// stream has no TLS session (never authenticated, a failed or unfinished handshake, disposed) or already sent its
        /// close_notify (see the remarks of <see cref="TlsErrors"/>).</summary>
        /// <remarks>
        /// <para><c>SslStream.ShutdownAsync</c> raises <see cref="InvalidOperationException"/> on
        /// a stream that was never authenticated, whose handshake failed (a client that sent plain, non-TLS bytes) or that
        /// was shut down already; an overlapping read or write is a bug, and raises it (or
        /// <see cref="NotSupportedException"/>) on a stream that is still open. The message is localized and the same for
        /// several causes, so the stream's state tells them apart instead: <see cref="Stream.CanWrite"/>, which an
        /// <see cref="System.Net.Security.SslStream"/> reports false exactly when it has no session, was shut down, or its
        /// transport can no longer write. A write of application data after our own shutdown meets the same state and is
        /// accepted too when caught around a close; TLS005 reports such writes at compile time.</para>
        /// </remarks>
        /// <param name="exception">The exception caught while closing.</param>
        /// <param name="stream">The stream being closed (an <see cref="System.Net.Security.SslStream"/>, or a stream
        /// over one); null gives the answer of <see cref="IsBenign(Exception)"/>.</param>
        /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
        public static bool IsBenign(Exception exception, Stream? stream)
        {
            if (IsBenign(exception))
            {
                return true;
            }

            return stream != null && IsNothingToClose(exception, stream);
        }

        private static bool IsNothingToClose(Exception exception, Stream stream)
        {
            switch (exception)
            {
                case InvalidOperationException:
                    return !CanWrite(stream);
                case AuthenticationException or IOException:
                    // .NET Framework (and .NET Core before 5) keep a failed handshake's error and throw it again from
                    // every later call, ShutdownAsync included: it was the handshake's to report, not the close's.
                    return stream is SslStream { IsAuthenticated: false };
                case AggregateException aggregate:
                    var inner = aggregate.Flatten().InnerExceptions;
                    if (inner.Count == 0)
                    {
                        return false;
                    }

                    foreach (var e in inner)
                    {
                        if (!IsBenign(e) && !IsNothingToClose(e, stream))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        private static bool CanWrite(Stream stream)
        {
            try
            {
                return stream.CanWrite;
            }
            catch (Exception)
            {
                // A stream that cannot say: assume it could write, so that the error is not hidden.
                return true;
            }
        }

        internal static bool IsDisconnect(SocketError error) => error switch
        {
            SocketError.ConnectionReset => true,
            SocketError.ConnectionAborted => true,
            SocketError.Shutdown => true,
            SocketError.NotConnected => true,
            SocketError.Disconnecting => true,
            SocketError.OperationAborted => true,
            _ => false,
        };

        /// <summary>True when the exception says the peer reset the connection (rather than the stream ending). Looks
        /// through the same wrappers as <see cref="IsBenign(Exception)"/>: a stream layered between the TLS stream and the socket
        /// may wrap the transport's <see cref="IOException"/> in its own.</summary>
        internal static bool IsReset(Exception exception)
        {
            switch (exception)
            {
                case SocketException socket:
                    return IsResetCode(socket.SocketErrorCode);
                case IOException { InnerException: { } inner }:
                    return IsReset(inner);
                case AggregateException aggregate:
                    foreach (var e in aggregate.Flatten().InnerExceptions)
                    {
                        if (IsReset(e))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        private static bool IsResetCode(SocketError error) =>
            error is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown;
    }
}
