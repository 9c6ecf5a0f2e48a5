using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify;

namespace Demo
{
    /// <summary>A tiny SMTP-like server on loopback: greets, answers NOOP, says goodbye to QUIT, and rejects
    /// anything else. <see cref="HandleAsync"/> is the correct code; the members under "Misuse" are the shapes
    /// CloseNotify reports, kept here to show the warnings (they are never called).</summary>
    internal sealed class MailServer : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;

        public MailServer(X509Certificate2 certificate)
        {
            _certificate = certificate;
            _listener.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>How each session's close ended, as the server saw it.</summary>
        public List<TlsCloseResult> Closes { get; } = new List<TlsCloseResult>();

        /// <summary>Accepts connections until <paramref name="stop"/> is cancelled, then waits for the sessions under
        /// way; <paramref name="cancellationToken"/> bounds the sessions themselves.</summary>
        public async Task RunAsync(CancellationToken stop, CancellationToken cancellationToken)
        {
            var sessions = new List<Task>();
            try
            {
                while (true)
                {
                    var tcp = await _listener.AcceptTcpClientAsync(stop);
                    sessions.Add(HandleAsync(tcp, cancellationToken));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stop asked for: no new sessions; those under way finish their close.
            }

            await Task.WhenAll(sessions);
        }

        public void Dispose() => _listener.Stop();

        // ---- Correct -------------------------------------------------------------------------------------

        private async Task HandleAsync(TcpClient tcp, CancellationToken cancellationToken)
        {
            using (tcp)
            {
                // TlsTransport lets the close tell the client's close_notify from a bare TCP close.
                var ssl = new SslStream(new TlsTransport(tcp.GetStream()));
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cancellationToken);
                await ssl.WriteAsync(DemoTls.Line("220 demo ready"), cancellationToken);
                var buffer = new byte[512];
                while (true)
                {
                    var read = await ssl.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        break; // the client closed first
                    }

                    var command = DemoTls.Text(buffer, read);
                    if (command == "NOOP")
                    {
                        await ssl.WriteAsync(DemoTls.Line("250 OK"), cancellationToken);
                    }
                    else if (command == "QUIT")
                    {
                        await ssl.WriteAsync(DemoTls.Line("221 bye"), cancellationToken);
                        break;
                    }
                    else
                    {
                        // Early termination: a peer speaking another protocol gets no clean end.
                        TlsClose.Abort(ssl);
                        return;
                    }
                }

                var result = await TlsClose.GracefulAsync(ssl, cancellationToken: cancellationToken);
                lock (Closes)
                {
                    Closes.Add(result);
                }
            }
        }

        // ---- Misuse (compiled, never called) -----------------------------------------------------------

        /// <summary>TLS002: the close_notify is started and forgotten; the stream is disposed under it.</summary>
        internal static void RejectFast(SslStream ssl)
        {
            _ = ssl.ShutdownAsync();
            ssl.Dispose();
        }

        /// <summary>TLS002: the shutdown task is kept but never awaited before the disposal.</summary>
        internal static void RejectLater(SslStream ssl)
        {
            var pending = ssl.ShutdownAsync();
            ssl.Dispose();
            Console.WriteLine("closing: " + pending.Status);
        }

        /// <summary>TLS003: a sync-over-async shutdown whose every error is ignored.</summary>
        internal static void CloseQuietly(SslStream ssl)
        {
            try
            {
                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
            catch
            {
                /* ignored */
            }
        }

        /// <summary>TLS003: a catch (Exception) that hides certificate errors and stuck peers alike.</summary>
        internal static async Task CloseSessionAsync(SslStream ssl)
        {
            try
            {
                await ssl.ShutdownAsync();
            }
            catch (Exception)
            {
            }
        }

        /// <summary>TLS003: a reset in the middle of the upload looks like its end.</summary>
        internal static async Task<long> ReceiveUploadAsync(SslStream ssl, Stream file)
        {
            var buffer = new byte[4096];
            long total = 0;
            try
            {
                int read;
                while ((read = await ssl.ReadAsync(buffer)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read));
                    total += read;
                }
            }
            catch (IOException)
            {
                // connection gone: the upload is done
            }

            return total;
        }
    }
}
