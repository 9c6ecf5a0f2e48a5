// TLS003's benign filter: the stream whose close has no session (a failed handshake) is named where it is in scope, and
// the InnerException tests appear only where an AggregateException can bring the error (Wait(), Result), not after
// await or GetAwaiter().GetResult() (issue 25, class 3).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class BenignFilterFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Threading.Tasks;
";

        private const string BclUsings = @"using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading.Tasks;
";

        private static string Client(string close, string catchClause) => @"
class Client
{
    SslStream _ssl;

    void Stop()
    {
        try
        {
            " + close + @"
        }
        " + catchClause + @"
        {
        }
    }

    void Flush() => _ssl.FlushAsync().Wait();
}";

        private const string NoSession = "((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite)";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task GetResult_does_not_wrap_the_error_so_no_InnerException_is_tested(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("_ssl.ShutdownAsync().GetAwaiter().GetResult();", "{|TLS003:catch (Exception)|}"),
                BclUsings + Client("_ssl.ShutdownAsync().GetAwaiter().GetResult();", "catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException\n            || " + NoSession + ")"),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Wait_wraps_the_error_so_the_InnerException_is_tested(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("_ssl.ShutdownAsync().Wait();", "{|TLS003:catch|}"),
                BclUsings + Client("_ssl.ShutdownAsync().Wait();", "catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException\n            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException\n            || " + NoSession + ")"),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_method_of_the_project_that_waits_brings_its_AggregateException_too(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("Flush();\n            _ssl.ShutdownAsync().GetAwaiter().GetResult();", "{|TLS003:catch|}"),
                BclUsings + Client("Flush();\n            _ssl.ShutdownAsync().GetAwaiter().GetResult();", "catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException\n            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException\n            || " + NoSession + ")"),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task An_AggregateException_catch_tests_only_the_InnerException(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + Client("_ssl.ShutdownAsync().Wait();", "{|TLS003:catch (AggregateException)|}"),
                Usings + Client("_ssl.ShutdownAsync().Wait();", "catch (AggregateException ex) when (ex.InnerException is IOException || ex.InnerException is ObjectDisposedException)"),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Awaited_close_is_filtered_with_the_stream_and_no_InnerException(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    async Task StopAsync(SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", BclUsings + @"
class Client
{
    async Task StopAsync(SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
        {
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task A_stream_that_may_be_null_is_tested_null_safely(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    SslStream? _ssl;

    async Task StopAsync()
    {
        try
        {
            await (_ssl?.ShutdownAsync() ?? Task.CompletedTask);
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", BclUsings + @"
class Client
{
    SslStream? _ssl;

    async Task StopAsync()
    {
        try
        {
            await (_ssl?.ShutdownAsync() ?? Task.CompletedTask);
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && _ssl?.CanWrite != true))
        {
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, nullable: true);

        // `?.` in the filter is a null test: the compiler would then warn (CS8602) at the stream's next use after the catch.
        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task A_nullable_stream_known_not_null_where_it_is_closed_is_tested_without_a_null_test(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    SslStream? _ssl;

    async Task StopAsync()
    {
        if (_ssl != null)
        {
            try
            {
                await _ssl.ShutdownAsync();
            }
            {|TLS003:catch (Exception)|}
            {
            }

            _ssl.Dispose();
        }
    }
}", BclUsings + @"
class Client
{
    SslStream? _ssl;

    async Task StopAsync()
    {
        if (_ssl != null)
        {
            try
            {
                await _ssl.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
                || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))
            {
            }

            _ssl.Dispose();
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, nullable: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_stream_declared_in_the_try_is_not_named_in_the_filter(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task StopAsync(Stream transport)
    {
        try
        {
            var ssl = new SslStream(transport);
            await ssl.ShutdownAsync();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", Usings + @"using CloseNotify;

class Client
{
    async Task StopAsync(Stream transport)
    {
        try
        {
            var ssl = new SslStream(transport);
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex))
        {
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Two_streams_closed_in_one_try_name_neither(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task StopAsync(SslStream data, SslStream control)
    {
        try
        {
            await data.ShutdownAsync();
            await control.ShutdownAsync();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", Usings + @"using CloseNotify;

class Client
{
    async Task StopAsync(SslStream data, SslStream control)
    {
        try
        {
            await data.ShutdownAsync();
            await control.ShutdownAsync();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex))
        {
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
