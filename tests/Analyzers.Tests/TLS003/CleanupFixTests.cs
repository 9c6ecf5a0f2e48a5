// TLS003 fixes in cleanup code (Dispose): nothing non-benign is swallowed, nothing escapes; one key for both shapes.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class CleanupFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
";

        private const string Source = Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        {|TLS003:catch|}
        {
            // ignored
        }

        _ssl.Dispose();
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Filter_in_Dispose_reports_what_is_not_benign_instead_of_throwing(LanguageVersion version) =>
            Verify.CodeFixAsync(Source, @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using CloseNotify;

sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex))
        {
            // ignored
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }

        _ssl.Dispose();
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Without_the_runtime_the_default_filters_on_the_benign_types_in_Dispose_and_reports_the_rest(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Source, @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;

sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException)
        {
            // ignored
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }

        _ssl.Dispose();
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_Cleanup_method_is_cleanup_code_too(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connector
{
    private readonly SslStream _ssl;

    public Connector(SslStream ssl) { _ssl = ssl; }

    void Cleanup()
    {
        try
        {
            _ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|TLS003:catch|}
        {
        }
    }
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using CloseNotify;

sealed class Connector
{
    private readonly SslStream _ssl;

    public Connector(SslStream ssl) { _ssl = ssl; }

    void Cleanup()
    {
        try
        {
            _ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex))
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
