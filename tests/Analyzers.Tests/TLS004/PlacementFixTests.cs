// TLS004 fix, where it goes and what it means: a transport close alone in a `try { … } catch { }` gets the TLS close
// before that try (the close never throws, and inside the try TLS003 would take the catch-all for a swallowed close);
// a method the code's failure path runs too (called from a catch block and from Dispose) keeps the graceful close, and
// where the code tells the two apart (a reset on a flag), graceful on the normal branch only.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Fixer = CloseNotify.CodeFixes.TransportClosedUnderTlsFixer;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class PlacementFixTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        private const string Fields = @"
sealed class Connection : IDisposable
{
    private Socket _socket;
    private SslStream _ssl;

    public Task SendAsync(byte[] data) => _ssl.WriteAsync(data, 0, data.Length);
";

        // Opened without a failure handler: Shutdown runs only on a normal close.
        private const string PlainOpen = @"
    public async Task OpenAsync(string host)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host, 443);
        _socket = socket;
        _ssl = new SslStream(new NetworkStream(socket));
        await _ssl.AuthenticateAsClientAsync(host);
    }
";

        // The connect's catch block burns the connection through the same Shutdown that Dispose runs.
        private const string OpenWithFailureHandler = @"
    public async Task OpenAsync(string host)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _socket = socket;
        try
        {
            await socket.ConnectAsync(host, 443);
            _ssl = new SslStream(new NetworkStream(socket));
            await _ssl.AuthenticateAsClientAsync(host);
        }
        catch (Exception)
        {
            Shutdown();
            throw;
        }
    }
";

        private const string Shutdown = @"
    internal void Shutdown()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket != null)
        {
            try { {|TLS004:socket.Shutdown(SocketShutdown.Both)|}; } catch { }
            try { socket.Close(); } catch { }
        }
    }

    public void Dispose() => Shutdown();
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_before_the_try_that_swallows_the_transports_errors(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Fields + PlainOpen + Shutdown, Usings + "using CloseNotify;\n" + Fields + PlainOpen + @"
    internal void Shutdown()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket != null)
        {
            TlsClose.Notify(_ssl);
            try { socket.Shutdown(SocketShutdown.Both); } catch { }
            try { socket.Close(); } catch { }
        }
    }

    public void Dispose() => Shutdown();
}", Fixer.CloseFirstKey, version, compilationEnd: true);

        // Dispose runs the same Shutdown as the connect's catch block: an abort would drop close_notify from every normal
        // close, so the bounded Notify is written (a dead connection's write fails at once, benign).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_gracefully_in_a_shutdown_both_dispose_and_the_failure_path_call(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Fields + OpenWithFailureHandler + Shutdown, Usings + "using CloseNotify;\n" + Fields + OpenWithFailureHandler + NotifyingShutdown, Fixer.CloseFirstKey, version, compilationEnd: true);

        // The failure path told apart by a flag the method is given: graceful on the normal branch, abort on the other.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_gracefully_only_on_the_normal_branch_of_a_reset(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Fields + PlainOpen + @"
    internal void Close(bool faulted)
    {
        if (faulted)
        {
            _socket.LingerState = new LingerOption(true, 0);
        }

        try { {|TLS004:_socket.Shutdown(SocketShutdown.Both)|}; } catch { }
        _socket.Close();
    }

    public void Dispose() => Close(false);
}", Usings + "using CloseNotify;\n" + Fields + PlainOpen + @"
    internal void Close(bool faulted)
    {
        if (faulted)
        {
            _socket.LingerState = new LingerOption(true, 0);
        }

        if (_ssl != null)
        {
            if (!faulted)
            {
                TlsClose.Notify(_ssl);
            }
            else
            {
                TlsClose.Abort(_ssl);
            }
        }

        try { _socket.Shutdown(SocketShutdown.Both); } catch { }
        _socket.Close();
    }

    public void Dispose() => Close(false);
}", Fixer.CloseFirstKey, version, compilationEnd: true);

        // A try that holds more than the transport close: the TLS close still goes before it, never into its block.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_before_a_try_whose_catch_swallows_everything(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Fields + PlainOpen + @"
    public void Dispose()
    {
        try
        {
            {|TLS004:_socket.Shutdown(SocketShutdown.Both)|};
            _socket.Close();
        }
        catch (Exception)
        {
        }
    }
}", Usings + "using CloseNotify;\n" + Fields + PlainOpen + @"
    public void Dispose()
    {
        TlsClose.Notify(_ssl);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
            _socket.Close();
        }
        catch (Exception)
        {
        }
    }
}", Fixer.CloseFirstKey, version, compilationEnd: true);

        // Fix All: each shutdown gets its close before its try, the one the connect's catch block also runs as well.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Fixes_every_shutdown_by_its_own_callers(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + Fields + OpenWithFailureHandler + Shutdown + Fields.Replace("class Connection", "class Channel") + PlainOpen + Shutdown,
                Usings + "using CloseNotify;\n" + Fields + OpenWithFailureHandler + NotifyingShutdown + Fields.Replace("class Connection", "class Channel") + PlainOpen + NotifyingShutdown,
                Fixer.CloseFirstKey,
                version,
                compilationEnd: true);

        private const string NotifyingShutdown = @"
    internal void Shutdown()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket != null)
        {
            TlsClose.Notify(_ssl);
            try { socket.Shutdown(SocketShutdown.Both); } catch { }
            try { socket.Close(); } catch { }
        }
    }

    public void Dispose() => Shutdown();
}";
    }
}
