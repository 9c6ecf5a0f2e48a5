// TLS001, not reported: what real drivers do right, or what one compilation cannot claim (docs/corpus.md).
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class CrossMethodNoDiagnosticsTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        // The cleanup casts its Stream field back to SslStream, shuts that alias down, then disposes the field.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_field_shut_down_through_a_cast_alias(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connector
{
    private Stream _stream;

    public void Open(TcpClient tcp)
    {
        _stream = tcp.GetStream();
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        ssl.AuthenticateAsClient(""pg.example"");
        _stream = ssl;
    }

    public void Write(byte[] data) => _stream.Write(data, 0, data.Length);

    internal void Cleanup()
    {
        var sslStream = _stream as SslStream;
        if (sslStream is not null)
        {
            try
            {
                sslStream.ShutdownAsync().GetAwaiter().GetResult();
            }
            catch (IOException)
            {
            }
        }

        _stream?.Dispose();
        _stream = null;
    }
}".Replace("is not null", version >= LanguageVersion.CSharp9 ? "is not null" : "!= null"), version);

        // The handshake moves the local into the field and clears it: the finally only disposes after a failure.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_cleanup_of_a_failed_handshake(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Connector
{
    private Stream _stream;

    public async Task NegotiateAsync(Stream inner)
    {
        var sslStream = new SslStream(inner);
        try
        {
            await sslStream.AuthenticateAsClientAsync(""db.example"");
            _stream = sslStream;
            sslStream = null;
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(""handshake failed"", e);
        }
        finally
        {
            sslStream?.Dispose();
        }
    }

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);
}", version);

        // A wrapper of another file disposes its inner Stream, but the connection that made the TLS stream shuts it down
        // itself first, in its own type: the wrapper's disposal cannot be ordered against that close, so nothing is claimed.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_wrapper_when_the_stream_is_closed_in_the_type_that_owns_it(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
sealed class SealingStream : Stream
{
    private readonly Stream _inner;

    public SealingStream(Stream inner) => _inner = inner;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => _inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}",
                Usings + @"
sealed class Connector : IDisposable
{
    private Stream _stream;

    public void Open(TcpClient tcp, bool sealing)
    {
        _stream = tcp.GetStream();
        if (sealing)
        {
            _stream = new SealingStream(_stream);
            return;
        }

        var ssl = new SslStream(_stream);
        ssl.AuthenticateAsClient(""db.example"");
        _stream = ssl;
    }

    public void Dispose()
    {
        if (_stream is SslStream ssl)
        {
            ssl.ShutdownAsync().Wait();
        }

        _stream.Dispose();
    }
}",
            });

        // A private helper disposes the field; the only method that calls it shuts the stream down first.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_private_helper_called_only_after_the_close(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class Session
{
    private SslStream _ssl;

    public async Task OpenAsync(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        await _ssl.AuthenticateAsClientAsync(""db.example"");
    }

    public async Task CloseAsync()
    {
        await _ssl.ShutdownAsync();
        Release();
    }

    private void Release() => _ssl.Dispose();
}", version);

        // The subclass sends close_notify in its Close override: Dispose and using on it are closes.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_subclass_that_closes_itself_in_Close(LanguageVersion version) =>
            Verify.AnalyzerOnFilesAsync(version, new[]
            {
                Usings + @"
public class ClosingSslStream : SslStream
{
    public ClosingSslStream(Stream inner, bool leaveOpen) : base(inner, leaveOpen) { }

    public override void Close()
    {
        try
        {
            Task.Run(async () => await base.ShutdownAsync()).Wait();
        }
        finally
        {
            base.Close();
        }
    }
}",
                Usings + @"
sealed class FtpSocket : IDisposable
{
    private ClosingSslStream _ssl;
    private Stream _active;

    public void Activate(NetworkStream network)
    {
        _ssl = new ClosingSslStream(network, true);
        _ssl.AuthenticateAsClient(""ftp.example"");
        _active = _ssl;
    }

    public void Write(byte[] data) => _active.Write(data, 0, data.Length);

    public void Dispose()
    {
        _ssl?.Dispose();
        _active?.Dispose();
    }
}",
            });

        // The stream goes to another assembly's connection class and is closed only there: nothing to claim here.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_stream_that_crosses_into_another_assembly(LanguageVersion version) =>
            Verify.AnalyzerWithLibraryAsync(Usings + @"
sealed class Listener
{
    public async Task<Driver.PipeConnection> AcceptAsync(TcpClient client, System.Security.Cryptography.X509Certificates.X509Certificate certificate)
    {
        Stream stream = client.GetStream();
        var ssl = new SslStream(stream);
        await ssl.AuthenticateAsServerAsync(certificate);
        stream = ssl;
        return new Driver.PipeConnection(stream);
    }
}", @"
namespace Driver
{
    public sealed class PipeConnection
    {
        private readonly System.IO.Stream _stream;

        public PipeConnection(System.IO.Stream stream) => _stream = stream;

        public void Close() => _stream.Close();
    }
}", version);

        // The caller gets the stream back and closes it properly.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_stream_handed_back_to_a_caller_that_closes_it(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
static class Tls
{
    public static async Task<Stream> UpgradeAsync(Stream inner)
    {
        var ssl = new SslStream(inner);
        await ssl.AuthenticateAsClientAsync(""imap.example"");
        return ssl;
    }
}

sealed class Mailbox
{
    private Stream _stream;

    public async Task OpenAsync(TcpClient tcp) => _stream = await Tls.UpgradeAsync(tcp.GetStream());

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data, 0, data.Length);

    public async Task CloseAsync()
    {
        await ((SslStream)_stream).ShutdownAsync();
        _stream.Dispose();
    }
}", version);

        // Readers over the stream that leave it open, and a buffer class that keeps the stream but never disposes it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_owners_that_leave_the_stream_open(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
sealed class ReadBuffer : IDisposable
{
    public ReadBuffer(Stream underlying) => Underlying = underlying;

    public Stream Underlying { get; set; }

    public int Fill(byte[] buffer) => Underlying.Read(buffer, 0, buffer.Length);

    public void Dispose() { }
}

class Client
{
    string Greet(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""pop.example"");
        string line;
        using (var reader = new StreamReader(ssl, System.Text.Encoding.ASCII, false, 1024, leaveOpen: true))
        {
            line = reader.ReadLine();
        }

        using (var buffer = new ReadBuffer(ssl))
        {
            buffer.Fill(new byte[16]);
        }

        ssl.ShutdownAsync().Wait();
        ssl.Dispose();
        return line;
    }
}", version);

        // A helper of another assembly named in .editorconfig closes the stream it is given.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_a_stream_closed_by_a_closing_method_named_in_editorconfig(LanguageVersion version) =>
            Verify.AnalyzerWithConfigAsync(version, "dotnet_code_quality.TLS001.closing_methods = Driver.TlsHelpers.CloseQuietly\n", new[]
            {
                Usings + @"
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
        Driver.TlsHelpers.CloseQuietly(_ssl);
        _ssl.Dispose();
    }
}",
            },
            @"
namespace Driver
{
    public static class TlsHelpers
    {
        public static void CloseQuietly(System.IO.Stream stream) { }
    }
}");
    }
}
