// TLS003: the fixes of a read loop's catch whose author wrote why it absorbs the error.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class ReadLoopFixTests
    {
        // The author wrote why the error ends the loop: the default makes it visible and keeps the decision (rethrowing
        // would break the peers the catch was written for); rethrowing is the alternative.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Default_fix_reports_a_read_error_the_author_documented_and_keeps_the_body(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Downloader
{
    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            {|TLS003:catch (IOException)|}
            {
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", "using System;\nusing System.Diagnostics;\n" + Usings.Substring("using System;\n".Length) + @"
class Downloader
{
    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            catch (IOException ex)
            {
                Trace.TraceError(""TLS read failed: {0}"", ex);
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        // A name the file gives one specific exception type is that type's, not the file's convention for a new catch:
        // the file's general catch names it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task New_catch_variable_does_not_take_a_name_given_to_a_specific_exception_type(LanguageVersion version) =>
            Verify.CodeFixAsync("using System;\nusing System.Diagnostics;\n" + Usings.Substring("using System;\n".Length) + @"
class Downloader
{
    int Parse(string text)
    {
        try
        {
            return int.Parse(text);
        }
        catch (FormatException formatError)
        {
            throw new InvalidDataException(text, formatError);
        }
    }

    void Log(Action write)
    {
        try
        {
            write();
        }
        catch (Exception error)
        {
            Trace.TraceError(error.Message);
        }
    }

    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            {|TLS003:catch (IOException)|}
            {
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", "using System;\nusing System.Diagnostics;\n" + Usings.Substring("using System;\n".Length) + @"
class Downloader
{
    int Parse(string text)
    {
        try
        {
            return int.Parse(text);
        }
        catch (FormatException formatError)
        {
            throw new InvalidDataException(text, formatError);
        }
    }

    void Log(Action write)
    {
        try
        {
            write();
        }
        catch (Exception error)
        {
            Trace.TraceError(error.Message);
        }
    }

    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            catch (IOException error)
            {
                Trace.TraceError(""TLS read failed: {0}"", error);
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Rethrow_is_the_alternative_for_a_documented_read_error_and_keeps_the_comment(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Downloader
{
    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            {|TLS003:catch (IOException)|}
            {
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", Usings + @"
class Downloader
{
    async Task DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                throw; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", SwallowedCloseErrorFixer.PropagateKey, version);
    }
}
