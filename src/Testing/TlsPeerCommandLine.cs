using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace CloseNotify.Testing
{
    /// <summary>Runs a <see cref="TlsPeer"/> from a command line, so that a peer can live in its own process beside a
    /// program under test (a console driver, a fixed consumer). A host program is one line:
    /// <c>return await TlsPeerCommandLine.RunAsync(args, Console.Out);</c></summary>
    /// <remarks>
    /// <para>Arguments (all optional): <c>--role server|client</c> (default server); <c>--port N</c> (client: the
    /// driver's server port on 127.0.0.1); <c>--protocol tls12|tls13</c>; <c>--opening
    /// wait|close-notify|fin|reset|truncated|stop-reading</c>; <c>--opening-delay-ms N</c>; <c>--reply
    /// close-notify|fin|reset|silent</c>; <c>--reply-delay-ms N</c>; <c>--send-after-close-notify N</c> (-1: no end);
    /// <c>--chunk N</c>; <c>--interval-ms N</c>; <c>--timeout-ms N</c> (connection, handshake and the wait for the close;
    /// default 30000); <c>--cert-pem PATH</c> (writes the certificate for the program under test to trust);
    /// <c>--expect graceful|truncated|OUTCOME</c> (a <see cref="PeerCloseOutcome"/> name).</para>
    /// <para>It prints one line per fact, flushed at once: <c>listening 127.0.0.1:PORT</c> (server),
    /// <c>thumbprint HEX</c>, <c>handshake TLS 1.3</c>, then at the end <c>outcome NAME</c>, <c>received N</c>,
    /// <c>after-close-notify N</c> and <c>report SENTENCE</c>. Exit code 0: the expectation held (or none was given);
    /// 1: it did not; 2: bad arguments.</para>
    /// </remarks>
    public static class TlsPeerCommandLine
    {
        /// <summary>Runs one peer for one connection, as the arguments say, and reports on <paramref name="output"/>.</summary>
        /// <param name="args">The arguments (see the remarks).</param>
        /// <param name="output">Where the lines go (usually <see cref="Console.Out"/>).</param>
        /// <param name="cancellationToken">Stops the peer early (the outcome so far is printed).</param>
        /// <returns>The process exit code.</returns>
        public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
        {
            if (args == null)
            {
                throw new ArgumentNullException(nameof(args));
            }

            if (output == null)
            {
                throw new ArgumentNullException(nameof(output));
            }

            Settings settings;
            try
            {
                settings = Parse(args);
            }
            catch (ArgumentException e)
            {
                Say(output, "error " + e.Message);
                return 2;
            }

            using var peer = settings.Role == TlsPeerRole.Server
                ? TlsPeer.StartServer(settings.Options)
                : TlsPeer.StartClient(new IPEndPoint(IPAddress.Loopback, settings.Port), settings.Options);
            if (settings.Role == TlsPeerRole.Server)
            {
                Say(output, $"listening 127.0.0.1:{peer.Port}");
            }

            Say(output, "thumbprint " + peer.Certificate.Thumbprint);
            if (settings.CertificatePemPath != null)
            {
                File.WriteAllText(settings.CertificatePemPath, peer.Certificate.CertificatePem);
            }

            PeerCloseReport report;
            try
            {
                await peer.WaitForHandshakeAsync(cancellationToken).ConfigureAwait(false);
                Say(output, "handshake " + PeerCloseReport.Version(peer.Protocol));
                report = await peer.WaitForCloseAsync(settings.Options.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TlsPeerAssertionException e)
            {
                report = e.Report;
            }
            catch (OperationCanceledException)
            {
                report = peer.CurrentReport();
            }

            Say(output, "outcome " + report.Outcome);
            Say(output, "received " + report.BytesReceived.ToString(CultureInfo.InvariantCulture));
            Say(output, "after-close-notify " + report.RecordsAfterCloseNotify.ToString(CultureInfo.InvariantCulture));
            Say(output, "report " + TlsPeer.Sentence(report.ToString()));
            return settings.Expect == null || settings.Expect(report) ? 0 : 1;
        }

        private static void Say(TextWriter output, string line)
        {
            output.WriteLine(line);
            output.Flush();
        }

        private static Settings Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
                }

                values[args[i].Substring(2)] = args[i + 1];
            }

            var script = new PeerScript();
            var options = new TlsPeerOptions { Timeout = TimeSpan.FromMilliseconds(Number(values, "timeout-ms", 30_000)), Script = script };
            var settings = new Settings(options);
            foreach (var pair in values)
            {
                switch (pair.Key.ToLowerInvariant())
                {
                    case "role": settings.Role = Pick(pair, ("server", TlsPeerRole.Server), ("client", TlsPeerRole.Client)); break;
                    case "port": settings.Port = (int)Number(values, pair.Key, 0); break;
                    case "protocol": options.Protocols = Pick(pair, ("tls12", SslProtocols.Tls12), ("tls13", TlsVersions.Tls13)); break;
                    case "opening":
                        script.Opening = Pick(pair, ("wait", PeerOpening.Wait), ("close-notify", PeerOpening.CloseNotifyFirst), ("fin", PeerOpening.FinWithoutCloseNotify),
                            ("reset", PeerOpening.Reset), ("truncated", PeerOpening.TruncatedRecord), ("stop-reading", PeerOpening.StopReading));
                        break;
                    case "reply": script.Reply = Pick(pair, ("close-notify", PeerReply.CloseNotify), ("fin", PeerReply.Fin), ("reset", PeerReply.Reset), ("silent", PeerReply.Silent)); break;
                    case "opening-delay-ms": script.OpeningDelay = TimeSpan.FromMilliseconds(Number(values, pair.Key, 0)); break;
                    case "reply-delay-ms": script.ReplyDelay = TimeSpan.FromMilliseconds(Number(values, pair.Key, 0)); break;
                    case "send-after-close-notify": script.SendAfterCloseNotify = Number(values, pair.Key, 0); break;
                    case "chunk": script.ChunkSize = (int)Number(values, pair.Key, script.ChunkSize); break;
                    case "interval-ms": script.ChunkInterval = TimeSpan.FromMilliseconds(Number(values, pair.Key, 0)); break;
                    case "timeout-ms": break;
                    case "cert-pem": settings.CertificatePemPath = pair.Value; break;
                    case "expect": settings.Expect = Expectation(pair.Value); break;
                    default: throw new ArgumentException($"unknown option --{pair.Key}");
                }
            }

            if (settings.Role == TlsPeerRole.Client && (settings.Port <= 0 || settings.Port > 65535))
            {
                throw new ArgumentException("--role client needs --port");
            }

            options.Validated();
            return settings;
        }

        private static Func<PeerCloseReport, bool> Expectation(string value)
        {
            if (value.Equals("graceful", StringComparison.OrdinalIgnoreCase))
            {
                return report => report.IsGraceful;
            }

            if (value.Equals("truncated", StringComparison.OrdinalIgnoreCase))
            {
                return report => report.Outcome == PeerCloseOutcome.FinWithoutCloseNotify;
            }

            var outcome = (PeerCloseOutcome)Enum.Parse(typeof(PeerCloseOutcome), value, ignoreCase: true);
            return report => report.Outcome == outcome;
        }

        private static long Number(Dictionary<string, string> values, string key, long fallback) =>
            !values.TryGetValue(key, out var text) ? fallback
            : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number
            : throw new ArgumentException($"--{key} takes a number, got '{text}'");

        private static T Pick<T>(KeyValuePair<string, string> pair, params (string Name, T Value)[] choices)
        {
            foreach (var choice in choices)
            {
                if (choice.Name.Equals(pair.Value, StringComparison.OrdinalIgnoreCase))
                {
                    return choice.Value;
                }
            }

            throw new ArgumentException($"--{pair.Key} takes one of {string.Join(", ", Array.ConvertAll(choices, c => c.Name))}; got '{pair.Value}'");
        }

        private sealed class Settings
        {
            public Settings(TlsPeerOptions options) => Options = options;

            public TlsPeerOptions Options { get; }

            public TlsPeerRole Role { get; set; } = TlsPeerRole.Server;

            public int Port { get; set; }

            public string? CertificatePemPath { get; set; }

            public Func<PeerCloseReport, bool>? Expect { get; set; }
        }
    }
}
