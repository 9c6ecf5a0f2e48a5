// TLS003 fixes in code that must not throw (issue 25, class 1 and 2): cleanup decided across the compilation (a method
// called from the catch of an I/O callback, a cancellation callback, an event handler; disposals are in
// DisposalCleanupFixTests). The default filters with the stream (a failed handshake's close is benign) and reports
// the rest; letting it propagate is the alternative action.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class CleanupFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
";

        // The measured crash: Disconnect() is called from the catch blocks of I/O callbacks, also after a failed handshake,
        // where ShutdownAsync throws InvalidOperationException; a catch narrowed to the benign errors let it escape.
        private const string Server = @"
sealed class Session
{
    private readonly SslStream _ssl;

    public Session(SslStream ssl) { _ssl = ssl; }

    public void Disconnect()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        {|TLS003:catch (Exception)|}
        {
        }

        _ssl.Dispose();
    }
}

sealed class Server
{
    private readonly Session _session;
    private readonly SslStream _ssl;

    public Server(Session session, SslStream ssl) { _session = session; _ssl = ssl; }

    public void Start()
    {
        _ssl.BeginAuthenticateAsServer(null, OnAuthenticated, null);
    }

    private void OnAuthenticated(IAsyncResult result)
    {
        try
        {
            _ssl.EndAuthenticateAsServer(result);
            _ssl.BeginRead(new byte[4096], 0, 4096, OnReceive, null);
        }
        catch (Exception)
        {
            _session.Disconnect();
        }
    }

    private void OnReceive(IAsyncResult result)
    {
        try
        {
            _ssl.EndRead(result);
        }
        catch (IOException)
        {
            _session.Disconnect();
        }
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Disconnect_called_from_the_catch_of_io_callbacks_reports_what_is_not_benign_whatever_its_name(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Server, "using System;\nusing System.Diagnostics;\nusing System.IO;\nusing System.Net.Security;\nusing CloseNotify;\n" + Server
                .Replace("        {|TLS003:catch (Exception)|}\n        {\n        }\n", @"        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
"), SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Without_the_runtime_the_disconnect_filter_accepts_a_close_with_no_session_and_reports_the_rest(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + Server, "using System;\nusing System.Diagnostics;\nusing System.IO;\nusing System.Net.Security;\nusing System.Security.Authentication;\n" + Server
                .Replace("        {|TLS003:catch (Exception)|}\n        {\n        }\n", @"        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
"), SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Letting_the_rest_propagate_from_cleanup_is_the_alternative(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Server, "using System;\nusing System.IO;\nusing System.Net.Security;\nusing CloseNotify;\n" + Server
                .Replace("        {|TLS003:catch (Exception)|}\n", "        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))\n"), SwallowedCloseErrorFixer.PropagateKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_cancellation_callback_does_not_start_throwing_out_of_Cancel(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"using System.Threading;

sealed class Connection
{
    private readonly SslStream _ssl;
    private readonly object _state;

    public Connection(SslStream ssl, object state, CancellationToken token)
    {
        _ssl = ssl;
        _state = state;
        token.Register(() =>
        {
            try
            {
                var owner = (IDisposable)_state; // user state: may not be what the code expects
                _ssl.Dispose();
                owner.Dispose();
            }
            {|TLS003:catch|}
            {
            }
        });
    }
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Threading;
using CloseNotify;

sealed class Connection
{
    private readonly SslStream _ssl;
    private readonly object _state;

    public Connection(SslStream ssl, object state, CancellationToken token)
    {
        _ssl = ssl;
        _state = state;
        token.Register(() =>
        {
            try
            {
                var owner = (IDisposable)_state; // user state: may not be what the code expects
                _ssl.Dispose();
                owner.Dispose();
            }
            catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
            {
            }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
        });
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_method_registered_as_an_event_handler_is_cleanup(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"using System.Net.Sockets;
using System.Threading.Tasks;

sealed class Channel
{
    private readonly SslStream _ssl;

    public Channel(SslStream ssl, SocketAsyncEventArgs args)
    {
        _ssl = ssl;
        args.Completed += OnCompleted;
    }

    private void OnCompleted(object sender, SocketAsyncEventArgs args)
    {
        if (args.SocketError != SocketError.Success)
        {
            Close();
        }
    }

    private void Close()
    {
        try
        {
            _ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
using CloseNotify;

sealed class Channel
{
    private readonly SslStream _ssl;

    public Channel(SslStream ssl, SocketAsyncEventArgs args)
    {
        _ssl = ssl;
        args.Completed += OnCompleted;
    }

    private void OnCompleted(object sender, SocketAsyncEventArgs args)
    {
        if (args.SocketError != SocketError.Success)
        {
            Close();
        }
    }

    private void Close()
    {
        try
        {
            _ssl.ShutdownAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
