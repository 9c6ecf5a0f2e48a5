// TLS002 on a ShutdownAsync waited for without a bound in cleanup or callback code (issue 25, class 11): a Disconnect()
// that I/O callbacks call from their catch blocks held the thread for as long as the peer did not read. Reported
// there (decided across the compilation), not in plain code; fixed with TlsClose.Notify or a bounded, guarded Wait.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class UnboundedWaitTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Threading;
";

        private static string Session(string disconnectBody) => @"
sealed class Session
{
    private readonly SslStream _ssl;

    public Session(SslStream ssl) { _ssl = ssl; }

    public void Disconnect()
    {" + disconnectBody + @"
    }
}

sealed class Server
{
    private readonly Session _session;
    private readonly Stream _stream;

    public Server(Session session, Stream stream) { _session = session; _stream = stream; }

    public void Receive() => _stream.BeginRead(new byte[4096], 0, 4096, OnReceive, null);

    private void OnReceive(IAsyncResult result)
    {
        try
        {
            _stream.EndRead(result);
        }
        catch (IOException)
        {
            _session.Disconnect();
        }
    }
}";

        private const string WaitInTry = @"
        try
        {
            {|#0:_ssl.ShutdownAsync().Wait()|};
        }
        catch (Exception)
        {
        }

        _ssl.Dispose();";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_Wait_in_a_method_called_from_the_catch_of_an_io_callback(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + Session(WaitInTry), version,
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(0).WithArguments("'_ssl'", "Session.Disconnect, reached from a catch block in Server.OnReceive"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_every_unbounded_wait_in_cleanup_code(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public Connection(SslStream ssl, CancellationToken token)
    {
        _ssl = ssl;
        token.Register(() => {|#0:_ssl.ShutdownAsync().Wait(token)|});
    }

    public void Dispose()
    {
        {|#1:_ssl.ShutdownAsync().GetAwaiter().GetResult()|};
        _ssl.Dispose();
    }

    ~Connection()
    {
        {|#2:_ssl.ShutdownAsync().Wait(Timeout.Infinite)|};
    }

    void Close()
    {
        try { }
        finally
        {
            {|#3:_ssl.ShutdownAsync().ConfigureAwait(false).GetAwaiter().GetResult()|};
        }
    }
}", version,
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(0).WithArguments("'_ssl'", "a cancellation callback in Connection.Connection"),
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(1).WithArguments("'_ssl'", "Connection.Dispose"),
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(2).WithArguments("'_ssl'", "the finalizer Connection.~Connection"),
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(3).WithArguments("'_ssl'", "a finally block in Connection.Close"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_bounded_waits_in_cleanup_and_unbounded_ones_in_plain_code(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"using System.Threading.Tasks;

sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Dispose()
    {
        _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        _ssl.ShutdownAsync().Wait(250);
        _ssl.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _ssl.ShutdownAsync();
    }

    public void Close()
    {
        _ssl.ShutdownAsync().Wait();
        _ssl.ShutdownAsync().GetAwaiter().GetResult();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task With_the_runtime_Notify_takes_the_waits_place_and_the_disposal_it_does(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Session(WaitInTry.Replace("{|#0:", "{|TLS002:")), Usings + "using CloseNotify;\n" + Session(@"
        try
        {
            TlsClose.Notify(_ssl);
        }
        catch (Exception)
        {
        }"), SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Without_the_runtime_the_wait_is_bounded_inside_the_catch_all_already_there(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + Session(WaitInTry.Replace("{|#0:", "{|TLS002:")), Usings + Session(@"
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception)
        {
        }

        _ssl.Dispose();"), SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Without_a_catch_the_bounded_wait_is_guarded_and_reports_the_rest_in_cleanup(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + Session(@"
        {|TLS002:_ssl.ShutdownAsync().GetAwaiter().GetResult()|};
        _ssl.Dispose();"), @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Threading;
" + Session(@"
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
        _ssl.Dispose();"), SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_stream_still_read_after_the_wait_keeps_it_and_bounds_it(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public void Dispose()
    {
        {|TLS002:_ssl.ShutdownAsync().Wait()|};
        _ssl.ReadTimeout = 100;
        _ssl.Dispose();
    }
}", Usings.Replace("using System;\n", "using System;\nusing System.Diagnostics;\n") + "using CloseNotify;\n" + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
        _ssl.ReadTimeout = 100;
        _ssl.Dispose();
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_null_conditional_wait_and_disposal_become_one_Notify(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Dispose()
    {
        {|TLS002:_ssl?.ShutdownAsync().Wait()|};

        _ssl?.Dispose();
        _ssl = null;
    }
}", Usings + "using CloseNotify;\n" + @"
sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Dispose()
    {
        TlsClose.Notify(_ssl);

        _ssl = null;
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task An_expression_bodied_Dispose_gets_a_body_with_the_guarded_wait(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public void Dispose() => {|TLS002:_ssl.ShutdownAsync().Wait()|};
}", Usings.Replace("using System;\n", "using System;\nusing System.Diagnostics;\n") + "using CloseNotify;\n" + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fix_all_bounds_every_wait_of_the_document(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _data;
    private readonly SslStream _control;

    public void Dispose()
    {
        {|TLS002:_data.ShutdownAsync().Wait()|};
        _data.Dispose();
        try
        {
            {|TLS002:_control.ShutdownAsync().GetAwaiter().GetResult()|};
        }
        catch
        {
        }
        _control.Close();
    }
}", Usings + "using CloseNotify;\n" + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _data;
    private readonly SslStream _control;

    public void Dispose()
    {
        TlsClose.Notify(_data);
        try
        {
            TlsClose.Notify(_control);
        }
        catch
        {
        }
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        // The sync-over-async idiom in a subclass's Close override (what Stream.Dispose runs): a Task.Run that does
        // nothing but the shutdown, waited for without a bound.
        private const string ClosingSubclass = @"
sealed class ExtendedSslStream : SslStream
{
    public ExtendedSslStream(Stream inner) : base(inner) { }

    public override void Close()
    {
        WAIT;
        base.Close();
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_Task_Run_of_the_shutdown_alone_waited_for_in_a_Close_override(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + "using System.Threading.Tasks;\n" + ClosingSubclass.Replace("WAIT", "{|#0:Task.Run(async () => await base.ShutdownAsync()).Wait()|}") + @"

sealed class Connection : IDisposable
{
    private SslStream _ssl;

    public void Dispose()
    {
        {|#1:Task.Run(() => _ssl.ShutdownAsync()).GetAwaiter().GetResult()|};
        Task.Run(async () => { await _ssl.ShutdownAsync(); await _ssl.FlushAsync(); }).Wait();
    }
}", version,
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(0).WithArguments("'base'", "ExtendedSslStream.Close"),
                Verify.Diagnostic(Descriptors.UnboundedShutdownWait).WithLocation(1).WithArguments("'_ssl'", "Connection.Dispose"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task The_Task_Run_wait_in_a_Close_override_becomes_a_bounded_guarded_wait_on_this(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(
                Usings + "using System.Threading.Tasks;\n" + ClosingSubclass.Replace("WAIT", "{|TLS002:Task.Run(async () => await base.ShutdownAsync()).Wait()|}"),
                Usings.Replace("using System;\n", "using System;\nusing System.Diagnostics;\n").Replace("using System.Net.Security;\n", "using System.Net.Security;\nusing System.Security.Authentication;\n") + "using System.Threading.Tasks;\n" + ClosingSubclass.Replace("        WAIT;\n", @"        try
        {
            base.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !this.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
"),
                SingleShotShutdownFixer.CompleteTaskKey, version);
    }
}
