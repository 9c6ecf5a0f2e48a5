// TLS003, not reported: benign catches, catches that do something, filters, unrelated code.
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
    }
}
