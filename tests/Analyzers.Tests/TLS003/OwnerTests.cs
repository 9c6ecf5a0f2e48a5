// TLS003 on owners of a TLS stream: the driver's own types that hold one (a data stream, a session) and cleanup around
// them (the other kinds of owner are in OwnerKindsTests). An owner's close counts for what its body can raise: a close
// it keeps to itself, or a plain dispose TLS001 reports, raises nothing of a TLS close.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class OwnerTests
    {
        private const string DataStream = @"using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

class SocketStream : IDisposable
{
    private SslStream _ssl;
    private NetworkStream _net;

    public SocketStream(TcpClient tcp) { _net = tcp.GetStream(); _ssl = new SslStream(_net); }

    public string ReadLine() { var b = new byte[1]; return _ssl.Read(b, 0, 1) == 0 ? null : ""x""; }

    public void Close() => _ssl.Dispose();

    public void Dispose() => Close();

    public Task DisposeAsync(bool force, CancellationToken token) { _ssl.Dispose(); return Task.CompletedTask; }

    public async Task CloseAsync() { await _ssl.ShutdownAsync(); _ssl.Dispose(); }
}

class DataStream : SocketStream
{
    public DataStream(TcpClient tcp) : base(tcp) { }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_IOException_swallowed_around_the_read_loop_of_an_owner_closed_by_using(LanguageVersion version) =>
            Verify.AnalyzerAsync(DataStream + @"
class Listing
{
    List<string> Get(TcpClient tcp)
    {
        var lines = new List<string>();
        try
        {
            using (var stream = new DataStream(tcp))
            {
                string line;
                try
                {
                    while ((line = stream.ReadLine()) != null)
                    {
                        lines.Add(line);
                    }
                }
                finally
                {
                    stream.Close();
                }
            }
        }
        {|#0:catch (IOException)|}
        {
            // some servers reset the data connection
        }

        return lines;
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedReadError).WithLocation(0).WithArguments("IOException", "'stream'"));

        // The session's DisposeAsync only disposes its SslStream, which TLS001 reports there: nothing of a TLS close can fail.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_diagnostic_around_an_owner_whose_close_is_a_plain_dispose_TLS001_reports(LanguageVersion version) =>
            Verify.AnalyzerAsync(DataStream + @"
class Pool
{
    async Task Return(SocketStream session)
    {
        try
        {
            await session.DisposeAsync(false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_catch_all_around_the_close_of_a_session_that_shuts_its_stream_down(LanguageVersion version) =>
            Verify.AnalyzerAsync(DataStream + @"
class Pool
{
    async Task Return(SocketStream session)
    {
        try
        {
            await session.CloseAsync().ConfigureAwait(false);
        }
        {|#0:catch (Exception)|}
        {
        }
    }
}", version, Verify.Diagnostic(Descriptors.SwallowedCloseErrorAcrossMethods).WithLocation(0).WithArguments("Exception", "'session.CloseAsync()' (reaching '_ssl' in SocketStream.CloseAsync)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_diagnostic_for_cleanup_inside_the_catch_that_handles_the_first_error(LanguageVersion version) =>
            Verify.AnalyzerAsync(DataStream + @"
class Redirect
{
    Exception _failure;

    async Task<SocketStream> Connect(TcpClient tcp, SslStream direct)
    {
        var session = new SocketStream(tcp);
        try
        {
            await direct.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
            return session;
        }
        catch (Exception ex)
        {
            _failure = ex;
            try
            {
                await session.DisposeAsync(true, CancellationToken.None).ConfigureAwait(false);
                direct.Dispose();
            }
            catch (Exception)
            {
            }
        }

        return null;
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_diagnostic_for_a_type_that_holds_no_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(@"using System;
using System.IO;

class LogFile : IDisposable
{
    private FileStream _file = new FileStream(""log"", FileMode.Append);

    public string ReadLine() => null;

    public void Dispose() => _file.Dispose();
}

class Writer
{
    void Close(LogFile log)
    {
        try
        {
            while (log.ReadLine() != null) { }
            log.Dispose();
        }
        catch (Exception)
        {
        }
    }
}", version);
    }
}
