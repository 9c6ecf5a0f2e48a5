// TLS004 fix: the TLS stream is closed before its transport: graceful in async code, close_notify within a bound in
// synchronous code and for members; without the runtime, ShutdownAsync where every target framework of the file has it.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Fixer = CloseNotify.CodeFixes.TransportClosedUnderTlsFixer;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.TransportClosedUnderTlsAnalyzer, CloseNotify.CodeFixes.TransportClosedUnderTlsFixer>;

namespace CloseNotify.Analyzers.Tests.TLS004
{
    public class FixTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        // The BCL close's filter names AuthenticationException (a close with no session).
        private const string UsingsWithAuthentication = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
";

        private const string AsyncSource = @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
        await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
        // done
        {|TLS004:tcp.Close()|};
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_gracefully_with_the_runtime_in_async_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + AsyncSource, Usings + @"using CloseNotify;

class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
        await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
        // done
        await TlsClose.GracefulAsync(ssl).ConfigureAwait(false);
        tcp.Close();
    }
}", Fixer.CloseFirstKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Shuts_down_and_disposes_without_the_runtime(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + AsyncSource, UsingsWithAuthentication + @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
        await ssl.WriteAsync(data, 0, data.Length).ConfigureAwait(false);
        // done
        try
        {
            await ssl.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        ssl.Dispose();
        tcp.Close();
    }
}", Fixer.CloseFirstKey, version);

        // Synchronous code gets no blocking drain: close_notify within a short bound, before the first transport closed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Notifies_before_the_first_transport_in_sync_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Send(Socket socket, byte[] data)
    {
        var network = new NetworkStream(socket);
        var ssl = new SslStream(network, true);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        {|TLS004:network.Dispose()|};
        socket.Dispose();
    }
}", Usings + @"using CloseNotify;

class Client
{
    void Send(Socket socket, byte[] data)
    {
        var network = new NetworkStream(socket);
        var ssl = new SslStream(network, true);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        TlsClose.Notify(ssl);
        network.Dispose();
        socket.Dispose();
    }
}", Fixer.CloseFirstKey, version);

        // A field may be null where the transport is closed: Notify accepts null (without the runtime, a null-safe Dispose).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_a_field_null_safely(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    private SslStream _ssl;

    void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
        if (!_ssl.IsMutuallyAuthenticated)
            {|TLS004:tcp.Close()|};
    }
}", Usings + @"using CloseNotify;

class Client
{
    private SslStream _ssl;

    void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""db.example"");
        if (!_ssl.IsMutuallyAuthenticated)
        {
            TlsClose.Notify(_ssl);
            tcp.Close();
        }
    }
}", Fixer.CloseFirstKey, version);

        // Without the runtime, synchronous code writes the alert within a bound and ignores a peer already gone.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Writes_the_alert_within_a_bound_without_the_runtime_in_sync_code(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    void Send(Socket socket, byte[] data)
    {
        var ssl = new SslStream(new NetworkStream(socket), false);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        {|TLS004:socket.Shutdown(SocketShutdown.Both)|};
        socket.Close();
    }
}", UsingsWithAuthentication + @"
class Client
{
    void Send(Socket socket, byte[] data)
    {
        var ssl = new SslStream(new NetworkStream(socket), false);
        ssl.AuthenticateAsClient(""mail.example"");
        ssl.Write(data, 0, data.Length);
        try
        {
            ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        ssl.Dispose();
        socket.Shutdown(SocketShutdown.Both);
        socket.Close();
    }
}", Fixer.CloseFirstKey, version);

        // A file also built for netstandard2.0 (no ShutdownAsync there): without the runtime, no fix. A Dispose alone before
        // the transport would send nothing (no close_notify from SslStream.Dispose) and only silence the report.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task No_fix_without_the_runtime_in_a_file_also_built_for_netstandard2_0(LanguageVersion version)
        {
            var source = Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.WriteAsync(data, 0, data.Length);
        {|TLS004:tcp.Close()|};
    }
}";
            var both = await WithFlowModel.FixAsync(source, version, TestProject.Net80WithoutRuntime, TestProject.NetStandard20WithoutRuntime);
            Assert.DoesNotContain("ssl.Dispose()", both, System.StringComparison.Ordinal);
            Assert.DoesNotContain("ShutdownAsync", both, System.StringComparison.Ordinal);
            Assert.Contains("await ssl.WriteAsync(data, 0, data.Length);\n        tcp.Close();", both.Replace("\r\n", "\n"), System.StringComparison.Ordinal);

            var net80Only = await WithFlowModel.FixAsync(source, version, TestProject.Net80WithoutRuntime);
            Assert.Contains("await ssl.ShutdownAsync();", net80Only, System.StringComparison.Ordinal);
        }

        // A member: guarded for null, the errors of a peer gone ignored in Dispose, then disposed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_a_field_without_the_runtime_null_safely(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + Connection + @"
    public void Dispose()
    {
        {|TLS004:_tcp.Dispose()|};
    }
}", UsingsWithAuthentication + Connection + @"
    public void Dispose()
    {
        if (_ssl != null)
        {
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
        }

        _ssl?.Dispose();
        _tcp.Dispose();
    }
}", Fixer.CloseFirstKey, version, compilationEnd: true);

        private const string Connection = @"
sealed class Connection : IDisposable
{
    private readonly TcpClient _tcp = new TcpClient();
    private SslStream _ssl;

    public async Task OpenAsync(string host)
    {
        await _tcp.ConnectAsync(host, 443);
        _ssl = new SslStream(_tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(host);
    }
";

        // A base class's Close shuts the socket down: the TLS stream is closed before the call, and its own disposal after
        // the call, which the close now does, goes.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Closes_the_TLS_field_before_the_base_class_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + FieldDiagnosticsTests.BaseChannel + @"
    public override void Close()
    {
        {|TLS004:base.Close()|};
        _ssl?.Dispose();
    }
}", Usings + "using CloseNotify;\n" + FieldDiagnosticsTests.BaseChannel + @"
    public override void Close()
    {
        TlsClose.Notify(_ssl);
        base.Close();
    }
}", Fixer.CloseFirstKey, version, compilationEnd: true);

        // Another class shuts a session's socket down, then disposes the session: the session's TLS stream (reachable
        // from there) is closed first, in each method (Fix All).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Closes_the_sessions_TLS_stream_before_another_class_shuts_its_socket_down(LanguageVersion version)
        {
            var fixedSource = await WithFlowModel.FixAsync(Usings + OtherTypesDiagnosticsTests.Session + Manager, version);
            Assert.Equal(Usings + OtherTypesDiagnosticsTests.Session + @"
sealed class SessionManager
{
    private readonly List<Session> _sessions = new List<Session>();

    public void Kick(Session session)
    {
        TlsClose.Notify(session.Ssl);
        session.Socket.Shutdown(SocketShutdown.Both);
        session.Dispose();
    }

    public void CloseIdle(DateTime before)
    {
        foreach (var session in _sessions)
        {
            if (session.LastActive < before)
            {
                TlsClose.Notify(session.Ssl);
                session.Socket.Shutdown(SocketShutdown.Both);
                session.Dispose();
            }
        }
    }
}", fixedSource.Replace("\r\n", "\n"));
        }

        internal const string Manager = @"
sealed class SessionManager
{
    private readonly List<Session> _sessions = new List<Session>();

    public void Kick(Session session)
    {
        {|TLS004:session.Socket.Shutdown(SocketShutdown.Both)|};
        session.Dispose();
    }

    public void CloseIdle(DateTime before)
    {
        foreach (var session in _sessions)
        {
            if (session.LastActive < before)
            {
                {|TLS004:session.Socket.Shutdown(SocketShutdown.Both)|};
                session.Dispose();
            }
        }
    }
}";

        // The session keeps its TLS stream private: nothing outside it can close that stream first, so no fix is offered
        // (docs/rules/TLS004.md: move the shutdown into the session, after its TLS close).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Offers_no_fix_when_the_TLS_stream_is_private_to_the_other_class(LanguageVersion version)
        {
            var source = Usings + OtherTypesDiagnosticsTests.Session.Replace("    internal SslStream Ssl => _ssl;\n\n", string.Empty) + Manager;
            var fixedSource = await WithFlowModel.FixAsync(source, version);
            Assert.DoesNotContain("TlsClose.Notify(session", fixedSource, System.StringComparison.Ordinal);
        }
    }
}
