// TLS003, not reported: benign catches, catches that do something, filters, unrelated code; and catches around code
// that cannot raise a TLS close error (issue 25): a close that never throws, a plain dispose TLS001 reports, a callback
// of CancellationToken.Register, an owner that keeps its close errors to itself, a close four calls down.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;
using static CloseNotify.Analyzers.Tests.TLS003.Sources;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class NoDiagnosticsTests
    {
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
        // TlsClose.Notify never throws an error of the connection and TlsClose.Abort none at all: nothing to swallow.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_catches_around_runtime_closes_that_never_throw(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
    }

    public void Dispose()
    {
        try { TlsClose.Notify(_ssl); }
        catch { }
    }

    public void Kill()
    {
        try { TlsClose.Abort(_ssl); }
        catch (Exception) { }
    }
}", version);

        // A close that never throws, written into the one-line try of a socket's shutdown (where an earlier TLS004 fix put
        // it): what the try holds besides is the transport's, and the catch-all swallows no TLS close error.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_catch_all_around_Notify_and_the_sockets_shutdown(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
sealed class Connection : IDisposable
{
    private Socket _socket;
    private Stream _stream;

    public void Open(Socket socket)
    {
        _socket = socket;
        var ssl = new SslStream(new NetworkStream(socket));
        ssl.AuthenticateAsClient(""cache.example"");
        _stream = ssl;
    }

    public void Write(byte[] data) => _stream.Write(data, 0, data.Length);

    internal void Shutdown()
    {
        var socket = System.Threading.Interlocked.Exchange(ref _socket, null);
        if (socket != null)
        {
            try { TlsClose.Notify(_stream); socket.Shutdown(SocketShutdown.Both); } catch { }
            try { socket.Close(); } catch { }
            try { socket.Dispose(); } catch { }
        }
    }

    public void Dispose() => Shutdown();
}", version);

        // TLS001 reports these disposals (the stream carried data and nothing closed it): they send nothing, so nothing of a
        // TLS close can fail there, and TLS001's fix replaces them; narrowing the catch too would gain nothing.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_catches_around_a_plain_dispose_that_TLS001_reports(LanguageVersion version) =>
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
        catch (SystemException)
        {
            return false;
        }

        return true;
    }

    public void Send(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""pg.example"");
        ssl.Write(data, 0, data.Length);
        try { ssl.Dispose(); }
        catch { }
    }

    public void Handle(SslStream accepted, byte[] reply)
    {
        accepted.Write(reply, 0, reply.Length);
        try { accepted.Dispose(); }
        catch (Exception) { }
    }
}", version);

        // A plain Close of a socket or a file, not of anything TLS.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_catches_around_the_close_of_objects_that_hold_no_TLS_stream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Journal
{
    private readonly FileStream _file = new FileStream(""journal"", FileMode.Append);
    private Stream _copy = new MemoryStream();
    private Socket _socket;

    public void Close()
    {
        try { _file.Close(); }
        catch { }

        try { _copy.Dispose(); }
        catch (Exception) { }

        try { _socket?.Close(); }
        catch { }
    }
}", version);

        // Trace stays in Release builds (TRACE is defined there), and a Debug.WriteLine beside real handling is not all the catch does.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_read_loops_whose_catch_logs_in_the_build_that_ships(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Downloader
{
    public Exception Failure;

    void Download(SslStream ssl)
    {
        var buffer = new byte[4096];
        while (true)
        {
            try
            {
                if (ssl.Read(buffer, 0, buffer.Length) == 0)
                    break;
            }
            catch (IOException ex)
            {
                System.Diagnostics.Trace.TraceWarning(""read failed: {0}"", ex);
                break;
            }
        }

        while (true)
        {
            try
            {
                if (ssl.Read(buffer, 0, buffer.Length) == 0)
                    break;
            }
            catch (IOException ex)
            {
                System.Diagnostics.Debug.WriteLine(ex);
                Failure = ex;
                break;
            }
        }
    }
}", version);

        // Four calls down is beyond what the rule follows (a close that far is rarely the caller's to see).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_close_four_calls_down(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Link
{
    private SslStream _ssl;

    public void Open(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""x.example""); }

    public void Stop() => Drain();

    private void Drain() => Shut();

    private void Shut() => Finish();

    private void Finish() => _ssl.ShutdownAsync().Wait();
}

sealed class Supervisor
{
    void Stop(Link link)
    {
        try { link.Stop(); }
        catch { }
    }
}", version);
        // A send that disconnects when it fails: the close there is the cleanup of the write's error, and the caller's catch
        // is about the write (an application-level message), not a close it asked for.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_call_that_closes_only_on_its_own_failure_path(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Channel
{
    private SslStream _ssl;

    public void Open(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""chat.example""); }

    public void Send(byte[] data)
    {
        try
        {
            _ssl.Write(data, 0, data.Length);
        }
        catch
        {
            Disconnect();
            throw;
        }
    }

    public void Disconnect()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.Dispose();
    }
}

sealed class Heartbeat
{
    void Beat(Channel channel)
    {
        try { channel.Send(new byte[] { 0 }); }
        catch { }
    }
}", version);
    }
}
