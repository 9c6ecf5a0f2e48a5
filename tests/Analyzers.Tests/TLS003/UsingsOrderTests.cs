// Where a fix's new using directives go in a file whose usings are grouped but not sorted (seen in real drivers):
// into their group, in order, not appended after the last line.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class UsingsOrderTests
    {
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task New_usings_go_into_their_group_of_an_unsorted_file(LanguageVersion version) =>
            Verify.CodeFixAsync(@"using System;
using System.Net.Sockets;
using System.Net.Security;
using System.Threading;

using Driver.Helpers;
using static System.Math;

namespace Driver.Helpers { static class Log { } }

sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait(Max(1, 2));
        }
        {|TLS003:catch|}
        {
        }
    }
}", @"using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Net.Security;
using System.Threading;

using CloseNotify;
using Driver.Helpers;
using static System.Math;

namespace Driver.Helpers { static class Log { } }

sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait(Max(1, 2));
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
