// TLS003 fixes around disposals (issue 25, class 2): an owner's Dispose in Dispose(bool), a disposal the author
// wrapped in a catch-all outside cleanup, a read loop in an I/O callback; Fix All over every cleanup catch. None of
// them starts throwing where the code did not.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class DisposalCleanupFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
";
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dispose_bool_around_an_owners_Dispose_does_not_start_throwing(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + OwnerSession + @"
class Client : IDisposable
{
    private readonly Session _session;

    public Client(Session session) { _session = session; }

    public void Dispose() { Dispose(true); }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _session.Dispose();
            }
            {|TLS003:catch|}
            {
                // ignore
            }
        }
    }
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
" + OwnerSession + @"
class Client : IDisposable
{
    private readonly Session _session;

    public Client(Session session) { _session = session; }

    public void Dispose() { Dispose(true); }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _session.Dispose();
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException)
            {
                // ignore
            }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_disposal_wrapped_in_a_catch_all_keeps_not_throwing_outside_cleanup_too(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + OwnerSession + @"
class Pool
{
    public void Evict(Session session)
    {
        try
        {
            session.Dispose();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using CloseNotify;
" + OwnerSession + @"
class Pool
{
    public void Evict(Session session)
    {
        try
        {
            session.Dispose();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_read_loop_in_an_io_callback_reports_the_error_instead_of_rethrowing(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + ReadCallback("{|TLS003:catch (IOException)|}\n            {\n                break;"),
                "using System;\nusing System.Diagnostics;\nusing System.IO;\nusing System.Net.Security;\n" + ReadCallback("catch (IOException ex)\n            {\n                Trace.TraceError(\"TLS read failed: {0}\", ex);\n                break;"),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Rethrowing_from_an_io_callback_is_the_alternative(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + ReadCallback("{|TLS003:catch (IOException)|}\n            {\n                break;"),
                Usings + ReadCallback("catch (IOException)\n            {\n                throw;"),
                SwallowedCloseErrorFixer.PropagateKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_handles_every_cleanup_catch_of_the_document(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;
    private readonly SslStream _control;

    public Connection(SslStream ssl, SslStream control) { _ssl = ssl; _control = control; }

    ~Connection()
    {
        try { _control.Dispose(); }
        {|TLS003:catch|} { }
    }

    public void Dispose()
    {
        try { _ssl.ShutdownAsync().Wait(); }
        {|TLS003:catch|} { }
        try { _control.ShutdownAsync().GetAwaiter().GetResult(); }
        {|TLS003:catch (Exception)|} { }
    }
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using CloseNotify;

sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;
    private readonly SslStream _control;

    public Connection(SslStream ssl, SslStream control) { _ssl = ssl; _control = control; }

    ~Connection()
    {
        try { _control.Dispose(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _control)) { }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }

    public void Dispose()
    {
        try { _ssl.ShutdownAsync().Wait(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl)) { }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
        try { _control.ShutdownAsync().GetAwaiter().GetResult(); }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _control)) { }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, compilationEnd: true);

        private const string OwnerSession = @"
sealed class Session : IDisposable
{
    private readonly SslStream _ssl;
    public Session(SslStream ssl) { _ssl = ssl; }
    public void Dispose() { _ssl.Dispose(); }
}
";

        private static string ReadCallback(string catchClause) => @"
sealed class Receiver
{
    private readonly SslStream _ssl;
    private readonly Stream _file;

    public Receiver(SslStream ssl, Stream file) { _ssl = ssl; _file = file; }

    public void Start() => _ssl.BeginRead(new byte[1], 0, 0, OnReadable, null);

    private void OnReadable(IAsyncResult result)
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = _ssl.Read(buffer, 0, buffer.Length);
            }
            " + catchClause + @"
            }

            if (read == 0)
            {
                break;
            }

            _file.Write(buffer, 0, read);
        }
    }
}";
    }
}
