using System.Threading.Tasks;
using CloseNotify.Runtime.Tests.Load;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>The test assembly's entry point (instead of the one Microsoft.NET.Test.Sdk generates, which does
    /// nothing): started with <see cref="DotNetPeers.Argument"/>, it hosts the .NET peers of the load tests in a process
    /// of their own. The test host never calls it.</summary>
    public static class Program
    {
        public static Task<int> Main(string[] args) =>
            args.Length == 4 && args[0] == DotNetPeers.Argument ? DotNetPeers.HostAsync(args) : Task.FromResult(2);
    }
}
