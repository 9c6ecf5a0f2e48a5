using System;
using System.Threading.Tasks;
using CloseNotify.Testing;

// A TLS peer in a process of its own: the one line a host program needs. Run it, read "listening 127.0.0.1:PORT",
// point the program under test at that port, and read "outcome ..." (and the exit code of --expect) at the end.
internal static class Program
{
    private static Task<int> Main(string[] args) => TlsPeerCommandLine.RunAsync(args, Console.Out);
}
