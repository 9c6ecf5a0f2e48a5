using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace CloseNotify.Package.Tests
{
    /// <summary>What one dotnet CLI process did.</summary>
    public sealed class CliResult
    {
        public CliResult(string commandLine, int exitCode, string output, TimeSpan elapsed)
        {
            CommandLine = commandLine;
            ExitCode = exitCode;
            Output = output;
            Elapsed = elapsed;
        }

        public string CommandLine { get; }

        public int ExitCode { get; }

        /// <summary>Standard output and standard error, interleaved in arrival order.</summary>
        public string Output { get; }

        public TimeSpan Elapsed { get; }

        public override string ToString() => $"`{CommandLine}` exited {ExitCode} after {Elapsed.TotalSeconds:F1} s:\n{Output}";
    }

    /// <summary>Runs the real dotnet CLI the way a user's shell would, isolated from the test host's MSBuild state,
    /// with no node reuse (no build process outlives the test run) and a hard timeout.</summary>
    public static class DotnetCli
    {
        public static CliResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
            Run(workingDirectory, timeout, null, arguments);

        /// <summary>Runs with extra environment variables (for the consumers: NUGET_PACKAGES, which wins over any config).</summary>
        public static CliResult Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        {
            var start = new ProcessStartInfo(DotnetPath())
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // The test host runs inside `dotnet test`, whose MSBuild variables would point child builds at its own
            // state; a user's shell has none of them.
            foreach (var name in start.Environment.Keys.Where(IsInheritedBuildVariable).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
            start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["MSBUILDTERMINALLOGGER"] = "off";
            start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            foreach (var variable in environment ?? new Dictionary<string, string>())
            {
                start.Environment[variable.Key] = variable.Value;
            }

            var commandLine = "dotnet " + string.Join(" ", arguments);
            var output = new StringBuilder();
            var stdoutClosed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stderrClosed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data, stdoutClosed);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data, stderrClosed);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
                throw new TimeoutException($"`{commandLine}` in {workingDirectory} did not finish within {timeout.TotalSeconds:F0} s and was killed. Output so far:\n{Snapshot(output)}");
            }

            // A process that outlived its parent (a compiler server, say) would keep the pipes open: do not wait on it.
            Task.WaitAll(new Task[] { stdoutClosed.Task, stderrClosed.Task }, TimeSpan.FromSeconds(15));
            return new CliResult(commandLine, process.ExitCode, Snapshot(output), clock.Elapsed);
        }

        /// <summary>Runs and requires exit code 0.</summary>
        public static CliResult RunChecked(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
            RunChecked(workingDirectory, timeout, null, arguments);

        /// <summary>Runs with extra environment variables and requires exit code 0.</summary>
        public static CliResult RunChecked(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        {
            var result = Run(workingDirectory, timeout, environment, arguments);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"In {workingDirectory}: {result}");
            }

            return result;
        }

        private static string DotnetPath()
        {
            // The host that runs this test is the SDK's dotnet; fall back to PATH.
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }

        private static bool IsInheritedBuildVariable(string name) =>
            name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("MSBUILD_", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase);

        private static void Append(StringBuilder output, string? line, TaskCompletionSource<bool> closed)
        {
            if (line == null)
            {
                closed.TrySetResult(true);
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        private static string Snapshot(StringBuilder output)
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
