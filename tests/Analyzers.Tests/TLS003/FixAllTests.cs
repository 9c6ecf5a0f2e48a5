// TLS003 Fix All under the one default key: a close's catch and a read loop's catch, in different files and
// projects, are fixed together (dotnet format applies one key per rule; read-loop sites once had a key of their own).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class FixAllTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
";

        private static readonly string[] Sources =
        {
            Usings + @"
class Closer
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|TLS003:catch|}
        {
        }
    }
}",
            Usings + @"
class Reader
{
    int Count(SslStream ssl)
    {
        var buffer = new byte[4096];
        var total = 0;
        while (true)
        {
            int read;
            try
            {
                read = ssl.Read(buffer, 0, buffer.Length);
            }
            {|TLS003:catch (IOException)|}
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}",
        };

        private static readonly string[] Fixed =
        {
            Usings + @"using CloseNotify;

class Closer
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
        }
    }
}",
            Usings + @"
class Reader
{
    int Count(SslStream ssl)
    {
        var buffer = new byte[4096];
        var total = 0;
        while (true)
        {
            int read;
            try
            {
                read = ssl.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                throw;
            }

            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}",
        };

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_in_project_fixes_both_shapes_in_every_file(LanguageVersion version) =>
            Verify.FixAllAsync(Sources, Fixed, SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_in_solution_fixes_both_shapes_in_every_project(LanguageVersion version) =>
            Verify.FixAllAsync(Sources, Fixed, SwallowedCloseErrorFixer.DefaultKey, version, inTwoProjects: true);
    }
}
