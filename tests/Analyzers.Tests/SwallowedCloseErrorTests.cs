// TLS003: analyzer shapes (reported and not), the three fixes, Fix All.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests
{
    public class SwallowedCloseErrorTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        // ---- Reported: broad catches around a close -----------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_empty_catch_all_around_ShutdownAsync(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(SslStream ssl)
    {
        try
        {
            ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|#0:catch|}
        {
            /* ignored */
        }
    }
}", version, Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("catch", "'ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_Exception_around_Dispose_of_a_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Close(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            ssl.Dispose();
        }
        {|TLS003:catch (Exception)|}
        {
            // best effort
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SystemException_with_only_return_around_Close_of_a_Stream_field(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Driver
{
    private Stream _stream;

    public void Connect(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""pg.example"");
        _stream = ssl;
    }

    public bool Close()
    {
        try
        {
            _stream.Close();
        }
        {|TLS003:catch (SystemException)|}
        {
            return false;
        }

        return true;
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_drain_after_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        await ssl.ShutdownAsync();
        var buffer = new byte[1024];
        while (true)
        {
            try
            {
                if (await ssl.ReadAsync(buffer, 0, buffer.Length) == 0)
                    break;
            }
            {|TLS003:catch (Exception)|}
            {
                break;
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_SSL_shutdown_and_AggregateException_around_Wait(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Native
{
    [DllImport(""libssl.so.3"", EntryPoint = ""SSL_shutdown"")]
    public static extern int Shutdown(IntPtr ssl);
}

class Connection
{
    void Close(IntPtr ssl)
    {
        try { Native.Shutdown(ssl); }
        {|TLS003:catch|} { }
    }

    void Close(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        {|TLS003:catch (AggregateException)|} { }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_runtime_close_and_around_using_of_a_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        try { await TlsClose.GracefulAsync(ssl); }
        {|TLS003:catch (Exception)|} { }
    }

    void Send(TcpClient tcp)
    {
        try
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                ssl.AuthenticateAsClient(""db.example"");
                ssl.ShutdownAsync().Wait();
            }
        }
        {|TLS003:catch|}
        {
        }
    }
}", version);

        // ---- Reported: read loops that take an error for the end of data ---------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_IOException_swallowed_around_a_read_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Downloader
{
    long Download(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        long total = 0;
        try
        {
            int read;
            while ((read = ssl.Read(buffer, 0, buffer.Length)) > 0)
            {
                file.Write(buffer, 0, read);
                total += read;
            }
        }
        {|#0:catch (IOException)|}
        {
        }

        return total;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadError).WithLocation(0).WithArguments("IOException", "'ssl'"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_IOException_breaking_out_of_a_read_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
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
            {|#0:catch (IOException)|}
            {
                break; // connection gone: treat as done
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
        }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadError).WithLocation(0).WithArguments("IOException", "'ssl'"));

        // ---- Not reported -------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_benign_exception_types_around_a_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        try { await ssl.ShutdownAsync(); }
        catch (IOException) { }
        catch (ObjectDisposedException) { }

        try { ssl.Dispose(); }
        catch (SocketException) { }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_catches_that_log_rethrow_wrap_record_or_filter(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
class Client
{
    Exception _lastError;

    void Logs(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) { Console.Error.WriteLine(ex); }
    }

    void Rethrows(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch { throw; }
    }

    void Wraps(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) { throw new InvalidOperationException(""close failed"", ex); }
    }

    void Records(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) { _lastError = ex; }
    }

    void Filters(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex)) { }
    }

    void ReadLoopRecords(SslStream ssl)
    {
        var buffer = new byte[16];
        try { while (ssl.Read(buffer, 0, buffer.Length) > 0) { } }
        catch (IOException ex) { _lastError = ex; }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_catches_around_unrelated_code(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Quit(SslStream ssl)
    {
        // An application-level QUIT is a write, not a TLS close.
        try { ssl.Write(new byte[] { (byte)'Q' }, 0, 1); }
        catch { }
    }

    void ClosePlainSocket(Socket socket, NetworkStream network)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
            network.Dispose();
            socket.Close();
        }
        catch (Exception) { }
    }

    void CompletePipe(System.IO.Pipes.AnonymousPipeServerStream pipe)
    {
        try { pipe.Dispose(); }
        catch { }
    }

    int ReadOnce(SslStream ssl)
    {
        try { return ssl.ReadByte(); }
        catch (IOException) { return -1; }
    }
}", version);

        // ---- Fixes --------------------------------------------------------------------------------

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
        catch (Exception ex) when (TlsErrors.IsBenign(ex))
        {
            /* ignored */
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
}", UsingsWithRuntime + @"
class Client
{
    void Close(SslStream ssl, int ex)
    {
        try { ssl.Dispose(); }
        catch (Exception ex1) when (TlsErrors.IsBenign(ex1)) { }
    }

    void Drop(SslStream ssl)
    {
        try { ssl.Close(); }
        catch (SystemException e) when (TlsErrors.IsBenign(e)) { return; }
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
        public Task Rethrow_fix_makes_a_read_error_visible_and_keeps_the_comment(LanguageVersion version) =>
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
}", SwallowedCloseErrorFixer.DefaultKey, version);

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
}", UsingsWithRuntime + @"
class Client
{
    void First(SslStream ssl)
    {
        try { ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex)) { }
    }

    void Second(SslStream a, SslStream b)
    {
        try
        {
            try { a.Dispose(); }
            catch (Exception ex) when (TlsErrors.IsBenign(ex)) { }
            b.Dispose();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex)) { }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
