// TLS003, reported: broad catches around a close, and read loops that take an error for the end of data; the shapes
// only the flow model decides (a Stream field given its stream by another type, a close a few calls down) are reported
// at the end of the compilation.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class DiagnosticsTests
    {
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
        // The connector's Stream field is given its TLS stream by an upgrade helper of another type (as Task<Stream>);
        // Cleanup sends close_notify through a cast in one try and disposes the field in the next: that dispose ends the
        // close (TLS001 has nothing to say), and its empty catch hides what the disposal raises.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_dispose_that_ends_the_close_of_a_Stream_field_given_by_another_type(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + StreamUpgrade + @"
sealed class Connector
{
    private Stream _stream;

    public async Task OpenAsync(TcpClient tcp)
    {
        _stream = await Upgrade.ToTlsAsync(tcp.GetStream(), ""db.example"");
    }

    public void Cleanup()
    {
        var ssl = _stream as SslStream;
        try { ssl?.ShutdownAsync().Wait(); }
        {|#0:catch|} { }

        try
        {
            _stream?.Dispose();
        }
        {|#1:catch|}
        {
            // ignored
        }
    }
}", version,
                Verify.Diagnostic("TLS003").WithLocation(0).WithArguments("catch", "'ssl'"),
                Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(1).WithArguments("catch", "'_stream'"));

        // A base class keeps the stream in a protected Stream field; the TLS subclass stores a subclass of SslStream whose
        // Close sends close_notify. The base class's Close disposes the field: a TLS close, whatever the field's type says.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_close_of_a_base_class_field_that_a_subclass_fills(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class ClosingSslStream : SslStream
{
    public ClosingSslStream(Stream inner) : base(inner) { }

    public override void Close()
    {
        ShutdownAsync().Wait();
        base.Close();
    }
}

abstract class Channel
{
    protected Stream Transport;

    public void Close()
    {
        try
        {
            Transport.Close();
        }
        {|#0:catch (Exception)|}
        {
        }
    }
}

sealed class TlsChannel : Channel
{
    public void Start(TcpClient tcp)
    {
        var ssl = new ClosingSslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""broker.example"");
        Transport = ssl;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("Exception", "'Transport'"));

        // Disconnect sends QUIT, then closes the stream: the close is two calls below the catch, three for Dispose.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_a_call_that_closes_the_TLS_stream_two_or_three_calls_down(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class MailClient : IDisposable
{
    private SslStream _ssl;

    public void Connect(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""mail.example"");
    }

    public void Disconnect()
    {
        _ssl.Write(new byte[] { (byte)'Q' }, 0, 1);
        CloseStream();
    }

    private void CloseStream()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.Dispose();
    }

    public void Dispose() => Disconnect();
}

sealed class Service
{
    private readonly MailClient _client = new MailClient();

    public void Stop()
    {
        try { _client.Disconnect(); }
        {|#0:catch|} { }
    }

    public void Release()
    {
        try { _client.Dispose(); }
        {|#1:catch (Exception)|} { }
    }
}", version,
                Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_client.Disconnect()' (reaching '_ssl' in MailClient.CloseStream)"),
                Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(1).WithArguments("Exception", "'_client' (reaching '_ssl' in MailClient.CloseStream)"));

        // Debug.WriteLine and a library's own [Conditional] log compile away in the build that ships: the loop then takes
        // a reset or a truncated record for the end of the data, as an empty catch would.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_read_loop_whose_catch_only_logs_through_Conditional_methods_and_breaks(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Log
{
    [System.Diagnostics.Conditional(""VERBOSE"")]
    public static void Verbose(string message) { }
}

class Downloader
{
    async Task<long> DownloadAsync(SslStream ssl, Stream file)
    {
        var buffer = new byte[4096];
        long total = 0;
        while (true)
        {
            int read;
            try
            {
                read = await ssl.ReadAsync(buffer, 0, buffer.Length);
            }
            {|#0:catch (IOException ex)|}
            {
                System.Diagnostics.Debug.WriteLine(ex.Message);
                Log.Verbose(""read failed: "" + ex);
                break;
            }

            if (read == 0)
                break;
            await file.WriteAsync(buffer, 0, read);
            total += read;
        }

        return total;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadError).WithLocation(0).WithArguments("IOException", "'ssl'"));

        // A writer made over a base class's Stream field, which a TLS subclass fills: disposing the writer flushes into the
        // TLS stream and closes it, so a bare catch around it swallows the close's errors.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_around_the_disposal_of_a_writer_over_a_base_class_field_a_subclass_fills(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
abstract class TextChannel
{
    protected Stream Transport;
    private StreamWriter _writer;

    public void Start() => _writer = new StreamWriter(Transport);

    public void Stop()
    {
        try { _writer.Dispose(); }
        {|#0:catch|} { }
    }
}

sealed class TlsTextChannel : TextChannel
{
    public TlsTextChannel(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""chat.example"");
        Transport = ssl;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("catch", "'_writer'"));
    }
}
