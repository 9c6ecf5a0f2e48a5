using System;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CloseNotify.Bench;

// The close benchmark (see CloseBenchmarks), or, with --peer, the TLS server it closes connections to.
if (args.Length > 0 && args[0] == Peer.Argument)
{
    return await Peer.RunAsync();
}

// A short job, in process: no generated project to build, and a few minutes for the whole run. Each iteration
// closes CloseBenchmarks.ClosesPerIteration connections, so 25 iterations are 2,500 closes per method.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(25)
    .WithId("Short");
var config = ManualConfig.Create(DefaultConfig.Instance).AddJob(job);
var summary = BenchmarkRunner.Run<CloseBenchmarks>(config);

BenchmarkReport? Report(string method) =>
    summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && r.ResultStatistics != null);

var graceful = Report(nameof(CloseBenchmarks.GracefulAsync));
var handWritten = Report(nameof(CloseBenchmarks.HandWritten));
if (graceful == null || handWritten == null)
{
    Console.WriteLine("graceful/hand-written time ratio: n/a (a benchmark failed)");
    return 1;
}

// The ratio of the means, as the summary's Ratio column is built; the medians beside it, because on a shared
// two-core machine a few slow iterations move the mean of a round-trip-bound close a lot.
Console.WriteLine($"graceful/hand-written time ratio: {graceful.ResultStatistics!.Mean / handWritten.ResultStatistics!.Mean:F2}");
Console.WriteLine($"graceful/hand-written median ratio: {graceful.ResultStatistics.Median / handWritten.ResultStatistics.Median:F2}");
var gracefulConcurrent = Report(nameof(CloseBenchmarks.GracefulAsyncConcurrent));
var handWrittenConcurrent = Report(nameof(CloseBenchmarks.HandWrittenConcurrent));
if (gracefulConcurrent != null && handWrittenConcurrent != null)
{
    Console.WriteLine($"graceful/hand-written time ratio, concurrent closes: {gracefulConcurrent.ResultStatistics!.Mean / handWrittenConcurrent.ResultStatistics!.Mean:F2}");
}

AllocationCheck.Run();
Console.WriteLine($"TlsClose.GracefulAsync state machine box: {AllocationProbe.GracefulStateMachineBoxBytes()} B");
return 0;
