using System;
using System.IO;
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
        /// through the same wrappers as <see cref="IsBenign"/>: a stream layered between the TLS stream and the socket
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
