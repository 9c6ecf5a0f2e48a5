using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using CloseNotify.Runtime.Tests.OpenSsl;

namespace CloseNotify.Runtime.Tests.Peers
{
    /// <summary>An <c>openssl s_server</c> or <c>openssl s_client</c> process as a TLS peer on loopback, with the shared
    /// test certificate. Its stdout and stderr are collected line by line; its stdin stays open (a pipe we hold) so that
    /// the test decides when it sends data or closes. The process is always killed in <see cref="Dispose"/>.</summary>
    /// <remarks>
    /// <para>How the flags used here make the peer behave at close (OpenSSL 3.0 apps/s_server.c, apps/s_client.c):</para>
    /// <list type="bullet">
    /// <item><c>-naccept 1</c> (s_server): serve one connection, then exit, so a server never outlives its test's
    /// connection and its exit tells that the connection is over.</item>
    /// <item>No <c>-quiet</c>/<c>-brief</c> (s_server): only the verbose mode prints <c>ACCEPT</c> (the sign it listens),
    /// <c>DONE</c> when it reads our close_notify and <c>ERROR</c> when the read fails (reset, eof without
    /// close_notify). On our close_notify it answers with its own (<c>do_ssl_shutdown</c>: one unidirectional
    /// <c>SSL_shutdown</c>) and closes. In this mode a stdin chunk starting with <c>q</c> closes the TCP connection
    /// WITHOUT close_notify (<c>BIO_closesocket</c>): <see cref="CloseWithoutCloseNotify"/> uses that. Other stdin bytes
    /// are sent as application data.</item>
    /// <item><c>-ign_eof</c> (s_client): stdin EOF does not end the session; s_client ends only when the server closes.
    /// On the server's close_notify it prints <c>closed</c>, sends its own close_notify, shuts down its write side,
    /// reads (discarding) for up to 0.5 s and closes. On a reset it prints <c>read:errno=104</c>.</item>
    /// <item><c>-tls1_2</c> / <c>-tls1_3</c>: only that protocol version.</item>
    /// </list>
    /// <para>The process can be paused (SIGSTOP) to play a peer that never answers: the kernel still accepts our bytes,
    /// nothing reads them.</para>
    /// </remarks>
    public sealed class OpenSslProcess : IDisposable
    {
        public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
        private const int Attempts = 5;
        private const int SigStop = 19;
        private const int SigCont = 18;
        private const int SigKill = 9;

        private readonly Process process;
        private readonly List<string> lines = new List<string>();

        private OpenSslProcess(Process process, int port)
        {
            this.process = process;
            Port = port;
            process.OutputDataReceived += (_, e) => Collect(e.Data, "out");
            process.ErrorDataReceived += (_, e) => Collect(e.Data, "err");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Port { get; }

        public IPEndPoint EndPoint => new IPEndPoint(IPAddress.Loopback, Port);

        public bool HasExited => process.HasExited;

        /// <summary>Everything the process printed so far, stdout and stderr interleaved in arrival order.</summary>
        public string Output
        {
            get
            {
                lock (lines)
                {
                    return string.Join(Environment.NewLine, lines);
                }
            }
        }

        /// <summary>Starts <c>openssl s_server</c> on a free loopback port (s_server cannot listen on port 0 and report
        /// it): a port is found by binding port 0, reading it and releasing it; if another process took it in between,
        /// s_server exits before <c>ACCEPT</c> and another port is tried.</summary>
        public static OpenSslProcess StartServer(SslProtocols protocol, params string[] flags) =>
            StartServerWithCertificate(protocol, TestCertificate.Instance.CertificatePemPath, TestCertificate.Instance.KeyPemPath, flags);

        /// <summary>Starts <c>openssl s_server</c> as above, presenting the certificate of the PEM files given (a name of
        /// its own: as an overload of the one above, its string parameters would take that one's flags).</summary>
        public static OpenSslProcess StartServerWithCertificate(SslProtocols protocol, string certificatePemPath, string keyPemPath, params string[] flags)
        {
            Prerequisites.Require();
            var failures = new StringBuilder();
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var port = FreePort();
                var arguments = new List<string>
                {
                    "s_server", "-accept", $"127.0.0.1:{port}", "-naccept", "1",
                    "-cert", certificatePemPath, "-key", keyPemPath,
                    VersionFlag(protocol),
                };
                arguments.AddRange(flags);
                var server = Start(arguments, port);
                if (server.WaitFor("ACCEPT", StartTimeout))
                {
                    return server;
                }

                failures.AppendLine($"port {port}: {server.Output}");
                server.Dispose();
            }

            throw new InvalidOperationException($"openssl s_server did not start in {Attempts} attempts:{Environment.NewLine}{failures}");
        }

        /// <summary>Starts <c>openssl s_client</c> towards <paramref name="port"/> on loopback. It does not wait: s_client
        /// buffers its stdout (a pipe) until it exits, so its <c>CONNECTED(…)</c> line cannot serve as a sign; the
        /// caller's bounded accept and handshake on <paramref name="port"/> are the sign instead.</summary>
        public static OpenSslProcess StartClient(int port, SslProtocols protocol, params string[] flags) =>
            StartClient(port, protocol, ignoreEof: true, flags);

        /// <summary>Starts <c>openssl s_client</c>; without <paramref name="ignoreEof"/> it closes when its stdin ends
        /// (<see cref="EndInput"/>): close_notify, a FIN, a drain of up to 0.5 s, then the socket is closed.</summary>
        public static OpenSslProcess StartClient(int port, SslProtocols protocol, bool ignoreEof, params string[] flags)
        {
            Prerequisites.Require();
            var arguments = new List<string>
            {
                "s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", TestCertificate.Instance.CertificatePemPath, VersionFlag(protocol),
            };
            if (ignoreEof)
            {
                arguments.Add("-ign_eof");
            }

            arguments.AddRange(flags);
            return Start(arguments, port);
        }

        /// <summary>Waits until a line containing <paramref name="text"/> was printed; false on time-out or exit.</summary>
        public bool WaitFor(string text, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (Printed(text))
                {
                    return true;
                }

                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                if (process.HasExited)
                {
                    // After the exit, wait (outside the lock the output handlers need) for the end of its output:
                    // only the parameterless WaitForExit waits for the redirected streams to drain.
                    process.WaitForExit();
                    return Printed(text);
                }

                lock (lines)
                {
                    // Output events pulse; the slice also notices an exit that prints nothing.
                    Monitor.Wait(lines, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
                }
            }
        }

        /// <summary>Like <see cref="WaitFor"/>, but a time-out fails the test with the process output.</summary>
        public void Expect(string text, TimeSpan timeout)
        {
            if (!WaitFor(text, timeout))
            {
                throw new TimeoutException($"openssl never printed '{text}' within {timeout.TotalSeconds} s. Output:{Environment.NewLine}{Output}");
            }
        }

        /// <summary>Writes <paramref name="text"/> to the process's stdin (s_server/s_client send it as application data).</summary>
        public void Send(string text)
        {
            process.StandardInput.Write(text);
            process.StandardInput.Flush();
        }

        /// <summary>Closes the process's stdin: an s_client started without -ign_eof then closes the connection.</summary>
        public void EndInput() => process.StandardInput.Close();

        /// <summary>s_server only: makes it close the TCP connection without sending close_notify (its <c>q</c> command).</summary>
        public void CloseWithoutCloseNotify() => Send("q\n");

        /// <summary>Waits for the exit and for the last of its output.</summary>
        public bool WaitForExit(TimeSpan timeout)
        {
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                return false;
            }

            process.WaitForExit();
            return true;
        }

        /// <summary>Stops the process (SIGSTOP): it reads and answers nothing until <see cref="Resume"/>.</summary>
        public void Pause() => Signal(SigStop);

        public void Resume() => Signal(SigCont);

        /// <summary>Kills the process now (SIGKILL) without waiting: the kernel closes its socket, with a reset when bytes
        /// we sent are still unread there.</summary>
        public void Kill() => Signal(SigKill);

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    // SIGKILL ends a stopped process too.
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit(5_000);
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
            finally
            {
                process.Dispose();
            }
        }

        private static OpenSslProcess Start(List<string> arguments, int port)
        {
            var info = new ProcessStartInfo("openssl")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("openssl did not start.");
            return new OpenSslProcess(process, port);
        }

        private static string VersionFlag(SslProtocols protocol) => protocol switch
        {
            SslProtocols.Tls12 => "-tls1_2",
            SslProtocols.Tls13 => "-tls1_3",
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "TLS 1.2 or 1.3 only."),
        };

        private static int FreePort()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        private bool Printed(string text)
        {
            lock (lines)
            {
                return lines.Any(line => line.Contains(text, StringComparison.Ordinal));
            }
        }

        private void Collect(string? line, string stream)
        {
            if (line == null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add($"[{stream}] {line}");
                Monitor.PulseAll(lines);
            }
        }

        private void Signal(int signal)
        {
            if (kill(process.Id, signal) != 0)
            {
                throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);
    }
}
