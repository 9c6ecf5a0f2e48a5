// TLS001: analyzer shapes, reported and not (the fixes are tested in TLS001/*FixTests.cs).
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests
{
    public class DisposedWithoutCloseNotifyTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string UsingsWithRuntime = Usings + "using CloseNotify;\n";

        // ---- Reported: locals -------------------------------------------------------------------

        // The analyzer skips compilations where no code can hold an SslStream (no "SslStream" in the source, no
        // non-platform library referencing System.Net.Security): a stream handed out by a library must still count.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_from_a_library_when_the_source_never_names_SslStream(LanguageVersion version) =>
            Verify.AnalyzerWithLibraryAsync(@"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        var tls = Driver.Connector.Open(tcp);
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Dispose()|};
    }
}", @"
namespace Driver
{
    public static class Connector
    {
        public static System.Net.Security.SslStream Open(System.Net.Sockets.TcpClient tcp) => new System.Net.Security.SslStream(tcp.GetStream());
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream returned by Connector.Open"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_compilation_where_no_code_can_hold_an_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(@"
using System.IO;

class Journal
{
    void Write(Stream output)
    {
        Stream copy = new MemoryStream();
        output.CopyTo(copy);
        copy.Dispose();
    }
}", version);


        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_end_of_using_statement_after_authentication(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var {|#0:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the SslStream created in Client.SendAsync (Test0.cs:11)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_using_declaration(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        using var {|TLS001:ssl = new SslStream(tcp.GetStream())|};
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Write(new byte[] { 1 }, 0, 1);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_await_using_declaration(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        await using var {|TLS001:ssl = new SslStream(tcp.GetStream())|};
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.FlushAsync();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task Reports_await_using_statement(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        await using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_explicit_Dispose(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Write(new byte[] { 1 }, 0, 1);
        {|TLS001:ssl.Dispose()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_Close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.WriteByte(1);
        {|TLS001:ssl.Close()|};
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_awaited_DisposeAsync(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        {|TLS001:await ssl.DisposeAsync()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_early_return_after_authentication(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task<bool> HandshakeAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""mail.example"");
            if (ssl.ReadByte() != '2')
                {|#0:return false;|}
            await ssl.ShutdownAsync();
            return true;
        }
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("ssl", "it holds the SslStream created in Client.HandshakeAsync (Test0.cs:11)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_break_out_of_using_inside_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Poller
{
    void Poll(Func<TcpClient> connect)
    {
        while (true)
        {
            using (var ssl = new SslStream(connect().GetStream()))
            {
                ssl.AuthenticateAsClient(""queue.example"");
                if (ssl.ReadByte() < 0)
                {
                    {|TLS001:break;|}
                }

                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_local_declared_as_Stream_holding_an_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp, bool secure)
    {
        Stream stream = secure ? new SslStream(tcp.GetStream()) : (Stream)tcp.GetStream();
        if (stream is SslStream ssl)
        {
            ssl.AuthenticateAsClient(""db.example"");
        }

        stream.Write(new byte[] { 1 }, 0, 1);
        {|TLS001:stream.Dispose()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_subclass_of_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class ExtendedSslStream : SslStream
{
    public ExtendedSslStream(Stream inner) : base(inner) { }
}

class Client
{
    void Send(TcpClient tcp)
    {
        using (var {|TLS001:ssl = new ExtendedSslStream(tcp.GetStream())|})
        {
            ssl.AuthenticateAsClient(""ftp.example"");
            ssl.Write(new byte[] { 1 }, 0, 1);
        }
    }
}", version);

        // ---- Reported: fields -------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_SslStream_field_disposed_in_Dispose(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(TcpClient tcp) => _ssl = new SslStream(tcp.GetStream());

    public void Open() => _ssl.AuthenticateAsClient(""db.example"");

    public void Dispose()
    {
        {|#0:_ssl.Dispose()|};
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("_ssl", "it may hold the SslStream created in the Connection constructor (Test0.cs:11)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_field_disposed_in_DisposeAsync(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connection
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async ValueTask DisposeAsync()
    {
        {|TLS001:await _ssl.DisposeAsync()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_field_closed_in_Close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class FtpDataChannel
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""ftp.example"");
    }

    public void Close()
    {
        {|TLS001:_ssl.Close()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_field_disposed_in_helper_called_by_Dispose(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Connection : IDisposable
{
    private SslStream _ssl;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""redis.example"");
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseTransport();
        }
    }

    private void ReleaseTransport()
    {
        {|TLS001:_ssl?.Dispose()|};
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_Stream_field_assigned_an_SslStream(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Driver : IDisposable
{
    private Stream _stream;

    public void Connect(TcpClient tcp, bool useTls)
    {
        _stream = tcp.GetStream();
        if (useTls)
        {
            var ssl = new SslStream(_stream);
            ssl.AuthenticateAsClient(""pg.example"");
            _stream = ssl;
        }
    }

    public void Send(byte[] message) => _stream.Write(message, 0, message.Length);

    public void Dispose()
    {
        {|#0:_stream?.Close()|};
        _stream?.Dispose();
    }
}", version, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("_stream", "it may hold the SslStream created in Driver.Connect (Test0.cs:16)"));

        // ---- Reported: a stream reaching a file that never names SslStream -----------------------
        // The analyzer only looks at files that can hold an SslStream (TlsReach): a name that leads to one, declared in
        // another file, must bring the file in.

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_from_a_factory_declared_in_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
static class TlsConnector
{
    public static SslStream Open(TcpClient tcp) => new SslStream(tcp.GetStream());
}",
                @"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        var tls = TlsConnector.Open(tcp);
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Dispose()|};
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream returned by TlsConnector.Open"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_subclass_declared_in_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
class PooledTlsStream : SslStream
{
    public PooledTlsStream(Stream inner) : base(inner) { }
}",
                @"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        using (var {|#0:tls = new PooledTlsStream(tcp.GetStream())|})
        {
            tls.AuthenticateAsClient(""db.example"");
        }
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the PooledTlsStream created in Client.Send (File1.cs:8)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp10), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_created_through_a_global_alias_declared_in_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                @"global using Tls = System.Net.Security.SslStream;",
                @"
using System.Net.Sockets;

class Client
{
    void Send(TcpClient tcp)
    {
        var tls = new Tls(tcp.GetStream());
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Close()|};
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream created in Client.Send (File1.cs:8)"));

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_stream_from_an_indexer_reached_through_a_member_of_another_file(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
class StreamPool
{
    private readonly SslStream[] _items;

    public StreamPool(SslStream[] items) { _items = items; }

    public SslStream this[int index] => _items[index];
}",
                @"
static class Pools
{
    public static StreamPool Shared = new StreamPool(new System.Net.Security.SslStream[0]);
}",
                @"
class Client
{
    void Send()
    {
        var tls = Pools.Shared[0];
        tls.AuthenticateAsClient(""db.example"");
        {|#0:tls.Dispose()|};
    }
}",
            }, Verify.Diagnostic("TLS001").WithLocation(0).WithArguments("tls", "it holds the SslStream held by the StreamPool indexer"));

        // ---- Not reported -----------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_shut_down_before_disposal(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
            await ssl.ShutdownAsync();
            var buffer = new byte[256];
            while (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
            {
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_closed_by_the_runtime(LanguageVersion version) =>
            Verify.AnalyzerAsync(UsingsWithRuntime + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            if (ssl.ReadByte() != 'R')
            {
                TlsClose.Abort(ssl);
                return;
            }

            await TlsClose.GracefulAsync(ssl);
        }
    }

    void Send(SslStream other, TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        TlsClose.Graceful(ssl);
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_dispose_on_exception_path(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.WriteAsync(new byte[] { 1 }, 0, 1);
        }
        catch
        {
            ssl.Dispose();
            throw;
        }

        await ssl.ShutdownAsync();
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_returned_to_caller(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Connector
{
    async Task<SslStream> ConnectAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(""db.example"");
        }
        catch
        {
            ssl.Dispose();
            throw;
        }

        return ssl;
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_handed_to_another_owner(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Session : IDisposable
{
    public Session(Stream transport) { Transport = transport; }
    public Stream Transport { get; set; }
    public void Dispose() { }
}

class Connector
{
    Session _session;

    Session Stored(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        var session = new Session(Stream.Null);
        session.Transport = ssl;
        return session;
    }

    void PassedToConstructor(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        _session = new Session(ssl);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_never_authenticated_or_used(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Probe
{
    bool IsSecure(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: true))
        {
            return ssl.IsAuthenticated;
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_early_return_before_authentication(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task SendAsync(TcpClient tcp, bool enabled)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            if (!enabled)
            {
                return;
            }

            await ssl.AuthenticateAsClientAsync(""db.example"");
            await ssl.ShutdownAsync();
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_ShutdownAsync_of_unrelated_type_and_does_not_count_it_as_a_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class AmqpChannel : IDisposable
{
    public Task ShutdownAsync() => Task.CompletedTask;
    public void Write(byte[] frame) { }
    public void Dispose() { }
}

class Consumer
{
    async Task RunAsync(TcpClient tcp)
    {
        using (var channel = new AmqpChannel())
        using (var {|TLS001:ssl = new SslStream(tcp.GetStream())|})
        {
            await ssl.AuthenticateAsClientAsync(""amqp.example"");
            channel.Write(new byte[1]);
            await channel.ShutdownAsync();
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_generated_code(LanguageVersion version) =>
            Verify.AnalyzerAsync("// <auto-generated/>\n" + Usings + @"
class Client
{
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_field_closed_before_dispose_directly_or_through_helper(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Direct : IDisposable
{
    private SslStream _ssl;
    public void Open(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""a.example""); }
    public void Dispose()
    {
        _ssl.ShutdownAsync().GetAwaiter().GetResult();
        _ssl.Dispose();
    }
}

class ThroughHelper : IDisposable
{
    private SslStream _ssl;
    public void Open(TcpClient tcp) { _ssl = new SslStream(tcp.GetStream()); _ssl.AuthenticateAsClient(""a.example""); }
    public void Dispose() => Dispose(true);
    protected virtual void Dispose(bool disposing)
    {
        SendCloseNotify();
        _ssl.Dispose();
    }
    private void SendCloseNotify()
    {
        try { _ssl.ShutdownAsync().Wait(TimeSpan.FromSeconds(1)); }
        catch (AggregateException) { }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_field_the_type_never_uses(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Holder : IDisposable
{
    private readonly SslStream _ssl;
    public Holder(SslStream ssl) { _ssl = ssl; }
    public bool IsSecure => _ssl.IsAuthenticated;
    public void Dispose() => _ssl.Dispose();
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_stream_captured_by_lambda(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Send(TcpClient tcp, Action<Action> defer)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""db.example"");
        defer(() => ssl.ShutdownAsync().Wait());
        ssl.Dispose();
    }
}", version);
    }
}
