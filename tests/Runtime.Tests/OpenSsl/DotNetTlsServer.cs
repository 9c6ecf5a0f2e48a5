using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Peers;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>A .NET <see cref="SslStream"/> server for one connection, whose behaviour after the handshake the test
    /// chooses: it plays the peers that openssl's command line cannot (one that stops reading, one that resets, one that
    /// writes after our close_notify).</summary>
    internal sealed class DotNetTlsServer : IDisposable
    {
        private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
        private readonly Socket listener;
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly TaskCompletionSource authenticated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        private DotNetTlsServer(Socket listener, SslProtocols protocol, Func<SslStream, Socket, CancellationToken, Task> behaviour)
        {
            this.listener = listener;
            Completion = Task.Run(() => ServeAsync(protocol, behaviour));
        }

        public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndPoint!;

        /// <summary>Ends when the server side of the handshake is done (a TLS 1.3 server finishes after the client).</summary>
        public Task Authenticated => authenticated.Task;

        /// <summary>Ends when the behaviour has run; faults with its error.</summary>
        public Task Completion { get; }

        public static DotNetTlsServer Start(SslProtocols protocol, Func<SslStream, Socket, CancellationToken, Task> behaviour)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            return new DotNetTlsServer(listener, protocol, behaviour);
        }

        /// <summary>Reads (discarding) until the client's close_notify or end of stream; returns the bytes read.</summary>
        public static async Task<long> ReadToEndAsync(SslStream tls, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await tls.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }

        /// <summary>Answers our close_notify with its own, after <paramref name="delay"/>.</summary>
        public static Func<SslStream, Socket, CancellationToken, Task> Answers(TimeSpan delay = default) => async (tls, socket, token) =>
        {
            await ReadToEndAsync(tls, token);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, token);
            }

            await tls.ShutdownAsync();
        };

        /// <summary>Sends its close_notify first, right after the handshake, then reads until ours.</summary>
        public static async Task ClosesFirst(SslStream tls, Socket socket, CancellationToken token)
        {
            await tls.ShutdownAsync();
            await ReadToEndAsync(tls, token);
        }

        /// <summary>Never reads nor answers: a peer stuck in its own work. Our close_notify sits in its receive buffer.</summary>
        public static Task Silent(SslStream tls, Socket socket, CancellationToken token) => Task.Delay(Timeout.Infinite, token);

        /// <summary>After our close_notify (and <paramref name="delay"/>), sends <paramref name="count"/> bytes of application data, then its close_notify
        /// (legal in TLS 1.3, a half-close; tolerated by OpenSSL in TLS 1.2).</summary>
        public static Func<SslStream, Socket, CancellationToken, Task> SendsAfterCloseNotify(int count, TimeSpan delay = default) => async (tls, socket, token) =>
        {
            await ReadToEndAsync(tls, token);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, token);
            }

            await tls.WriteAsync(new byte[count], token);
            await tls.ShutdownAsync();
        };

        /// <summary>After our close_notify, closes TCP without its own close_notify: a FIN, since nothing is left unread.</summary>
        public static async Task ClosesWithoutCloseNotify(SslStream tls, Socket socket, CancellationToken token)
        {
            await ReadToEndAsync(tls, token);
            socket.Shutdown(SocketShutdown.Both);
            socket.Close();
        }

        /// <summary>After our close_notify, resets the connection (linger 0: close sends RST).</summary>
        public static async Task Resets(SslStream tls, Socket socket, CancellationToken token)
        {
            await ReadToEndAsync(tls, token);
            Reset(socket);
        }

        /// <summary>Resets the connection right after the handshake, before we start to close.</summary>
        public static Task ResetsAtOnce(SslStream tls, Socket socket, CancellationToken token)
        {
            Reset(socket);
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            stop.Cancel();
            try
            {
                Completion.Wait(StopTimeout);
            }
            catch (AggregateException)
            {
                // The behaviour's error was for the test to observe; a stop must not throw.
            }

            listener.Dispose();
            stop.Dispose();
        }

        private static void Reset(Socket socket)
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        private async Task ServeAsync(SslProtocols protocol, Func<SslStream, Socket, CancellationToken, Task> behaviour)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(30)); // a peer never outlives a hung test for long
            using var socket = await listener.AcceptAsync(timeout.Token);
            socket.NoDelay = true;
            using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = TestCertificate.Instance.Certificate,
                    EnabledSslProtocols = protocol,
                },
                timeout.Token);
            authenticated.TrySetResult();
            try
            {
                await behaviour(tls, socket, timeout.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped by the test (the silent peer): not a failure.
            }
        }
    }
}
