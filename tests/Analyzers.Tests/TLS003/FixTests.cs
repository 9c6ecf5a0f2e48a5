// TLS003: the fixes and Fix All.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class FixTests
    {
        // A disposal wrapped in a catch-all must keep not throwing: its fix reports the rest through Trace.
        private const string UsingsWithDiagnostics = @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Filter_fix_turns_a_catch_all_into_a_benign_filter_and_keeps_comments(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|TLS003:catch|}
        {
            /* ignored */
        }
    }
}", UsingsWithRuntime + @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
            /* ignored */
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        // The author commented the declaration out (catch /*(Exception ex)*/ {): the fix writes one, so the comment goes
        // instead of trailing the filter.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Filter_fix_replaces_a_commented_out_declaration(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|TLS003:catch|} /*(Exception ex)*/
        {
            // Log(""close failed: "" + ex.Message);
        }
    }
}", UsingsWithRuntime + @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
            // Log(""close failed: "" + ex.Message);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Filter_fix_names_the_variable_or_keeps_the_existing_one(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Close(SslStream ssl, int ex)
    {
        try { ssl.Dispose(); }
        {|TLS003:catch (Exception)|} { }
    }

    void Drop(SslStream ssl)
    {
        try { ssl.Close(); }
        {|TLS003:catch (SystemException e)|} { return; }
    }
}", UsingsWithDiagnostics + @"using CloseNotify;

class Client
{
    void Close(SslStream ssl, int ex)
    {
        try { ssl.Dispose(); }
        catch (Exception e) when (TlsErrors.IsBenign(e, ssl)) { }
        catch (Exception e)
        {
            Trace.TraceError(""TLS close failed: {0}"", e);
        }
    }

    void Drop(SslStream ssl)
    {
        try { ssl.Close(); }
        catch (SystemException e) when (TlsErrors.IsBenign(e, ssl)) { return; }
        catch (Exception e)
        {
            Trace.TraceError(""TLS close failed: {0}"", e);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Narrow_fix_catches_only_the_benign_types(LanguageVersion version) =>
            Verify.CodeFixAsync(@"using System;
using System.Net.Security;
using System.Security.Authentication;

class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (AuthenticationException)
        {
            throw;
        }
        {|TLS003:catch (Exception)|}
        {
            // peer already gone
        }
    }
}", @"using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;

class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (AuthenticationException)
        {
            throw;
        }
        catch (IOException)
        {
            // peer already gone
        }
        catch (ObjectDisposedException)
        {
            // peer already gone
        }
    }
}", SwallowedCloseErrorFixer.NarrowKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_filters_sibling_and_nested_catches(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void First(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        {|TLS003:catch|} { }
    }

    void Second(SslStream a, SslStream b)
    {
        try
        {
            try { a.Dispose(); }
            {|TLS003:catch (Exception)|} { }
            b.Dispose();
        }
        {|TLS003:catch (Exception)|} { }
    }
}", UsingsWithDiagnostics + @"using CloseNotify;

class Client
{
    void First(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl)) { }
    }

    void Second(SslStream a, SslStream b)
    {
        try
        {
            try { a.Dispose(); }
            catch (Exception ex) when (TlsErrors.IsBenign(ex, a)) { }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
            b.Dispose();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, b)) { }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
