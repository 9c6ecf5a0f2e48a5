using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>The kit out of process, as a program under test that is itself a process needs it: a one-line host
    /// program (Consumers/Kit/PeerHost) built from the local feed runs the peer; a client program (Consumers/Kit/CloseClient)
    /// connects to the port it prints, trusts the certificate it writes, and closes; the host's last lines and exit code
    /// say how.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class PeerHostTests
    {
        private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public PeerHostTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Theory]
        [InlineData("graceful", 0, "CloseNotifyThenFin")]
        [InlineData("dispose", 1, "FinWithoutCloseNotify")]
        public void Peer_host_process_reports_how_a_client_process_closed(string mode, int exitCode, string outcome)
        {
            var host = Program("PeerHost", PackageFixture.TestingPackage);
            var client = Program("CloseClient", PackageFixture.RuntimePackage);
            var pem = Path.Combine(_fixture.Root, $"peer-{mode}.pem");

            using var peer = Start(host, "--expect", "graceful", "--cert-pem", pem, "--timeout-ms", "30000");
            var port = peer.WaitForLine(new Regex(@"^listening 127\.0\.0\.1:(\d+)$"), RunTimeout).Groups[1].Value;
            var run = DotnetCli.Run(_fixture.Root, RunTimeout, _fixture.Environment, client, port, pem, mode);
            _output.WriteLine(run.ToString());
            Assert.True(run.ExitCode == 0, run.ToString());

            Assert.True(peer.Process.WaitForExit((int)RunTimeout.TotalMilliseconds), peer.Output);
            peer.Process.WaitForExit();
            _output.WriteLine(peer.Output);
            Assert.Equal(exitCode, peer.Process.ExitCode);
            Assert.Contains("outcome " + outcome, peer.Output, StringComparison.Ordinal);
            Assert.Contains("received 6", peer.Output, StringComparison.Ordinal);
        }

        /// <summary>Builds a console consumer of Consumers/Kit/<paramref name="name"/> once per run; returns its dll.</summary>
        private string Program(string name, string package)
        {
            var consumer = _fixture.Consumer("Kit" + name, f => Consumer.Create(f, "Kit" + name, Path.Combine("Kit", name), Consumer.ProjectXml(
                "net10.0", properties: "    <OutputType>Exe</OutputType>\n    <Nullable>enable</Nullable>\n", package: package)));
            var dll = Path.Combine(consumer.Directory, "bin", "Release", "net10.0", "Kit" + name + ".dll");
            if (!File.Exists(dll))
            {
                var build = consumer.Build("-c", "Release");
                Assert.True(build.ExitCode == 0, build.ToString());
            }

            return dll;
        }

        private HostProcess Start(string dll, params string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            return new HostProcess(Process.Start(start)!);
        }

        /// <summary>A running host process whose output lines are collected as they come.</summary>
        private sealed class HostProcess : IDisposable
        {
            private readonly StringBuilder output = new StringBuilder();

            public HostProcess(Process process)
            {
                Process = process;
                process.OutputDataReceived += (_, e) => Add(e.Data);
                process.ErrorDataReceived += (_, e) => Add(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }

            public Process Process { get; }

            public string Output
            {
                get
                {
                    lock (output)
                    {
                        return output.ToString();
                    }
                }
            }

            public Match WaitForLine(Regex line, TimeSpan timeout)
            {
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < timeout)
                {
                    foreach (var text in Output.Split('\n'))
                    {
                        var match = line.Match(text.TrimEnd('\r'));
                        if (match.Success)
                        {
                            return match;
                        }
                    }

                    if (Process.HasExited)
                    {
                        break;
                    }

                    Thread.Sleep(20);
                }

                throw new TimeoutException($"the host never printed {line}: {Output}");
            }

            public void Dispose()
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(5_000);
                }

                Process.Dispose();
            }

            private void Add(string? line)
            {
                if (line != null)
                {
                    lock (output)
                    {
                        output.AppendLine(line);
                    }
                }
            }
        }
    }
}
