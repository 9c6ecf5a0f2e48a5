// TLS001 fixes where the diagnostic names an owner of the TLS stream (a StreamWriter or StreamReader field, a using
// writer): the close goes to the stream it owns (BaseStream), after a writer's buffered bytes are flushed; and no fix
// where the stream cannot be reached or no close fits before the owner's disposal.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.TLS001.Sources;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class OwnerFixTests
    {
        private const string Key = DisposedWithoutCloseNotifyFixer.GracefulKey;

        private const string WriterAndReader = @"
sealed class LineSession : IDisposable
{
    private StreamWriter _writer;
    private StreamReader _reader;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        _writer = new StreamWriter(ssl);
        _reader = new StreamReader(ssl);
    }

    public Task SendAsync(string line) => _writer.WriteLineAsync(line);

    public void Dispose()
    {
        {|TLS001:_writer.Dispose()|};
        _reader.Dispose();
    }
}";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Writer_field_flushes_then_closes_the_stream_it_owns(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + WriterAndReader, UsingsWithRuntime + @"
sealed class LineSession : IDisposable
{
    private StreamWriter _writer;
    private StreamReader _reader;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        _writer = new StreamWriter(ssl);
        _reader = new StreamReader(ssl);
    }

    public Task SendAsync(string line) => _writer.WriteLineAsync(line);

    public void Dispose()
    {
        _writer.Flush();
        TlsClose.Notify(_writer.BaseStream);
        _writer.Dispose();
        _reader.Dispose();
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Writer_field_without_the_runtime_tests_its_BaseStream_for_SslStream(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + WriterAndReader, "using System;\nusing System.Diagnostics;\nusing System.IO;\nusing System.Net.Security;\nusing System.Net.Sockets;\nusing System.Security.Authentication;\nusing System.Threading.Tasks;\n" + @"
sealed class LineSession : IDisposable
{
    private StreamWriter _writer;
    private StreamReader _reader;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        _writer = new StreamWriter(ssl);
        _reader = new StreamReader(ssl);
    }

    public Task SendAsync(string line) => _writer.WriteLineAsync(line);

    public void Dispose()
    {
        _writer.Flush();
        if (_writer.BaseStream is SslStream ssl)
        {
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
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }
        }

        _writer.Dispose();
        _reader.Dispose();
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reader_field_closes_its_BaseStream_without_a_flush(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Banner : IDisposable
{
    private StreamReader _reader;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""mail.example"");
        _reader = new StreamReader(ssl);
    }

    public string Read() => _reader.ReadLine();

    public void Dispose() => {|TLS001:_reader?.Dispose()|};
}", UsingsWithRuntime + @"
sealed class Banner : IDisposable
{
    private StreamReader _reader;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""mail.example"");
        _reader = new StreamReader(ssl);
    }

    public string Read() => _reader.ReadLine();

    public void Dispose()
    {
        TlsClose.Notify(_reader?.BaseStream);
        _reader?.Dispose();
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Writer_disposed_before_the_stream_field_is_flushed_first_and_the_stream_Dispose_left_after_the_close_goes(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;
    private StreamWriter _writer;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""mail.example"");
        _writer = new StreamWriter(_ssl);
    }

    public void Send(string line) => _writer.WriteLine(line);

    public void Dispose()
    {
        {|TLS001:_writer.Dispose()|};
        _ssl.Dispose();
    }
}", UsingsWithRuntime + @"
sealed class Session : IDisposable
{
    private SslStream _ssl;
    private StreamWriter _writer;

    public void Open(TcpClient tcp)
    {
        _ssl = new SslStream(tcp.GetStream());
        _ssl.AuthenticateAsClient(""mail.example"");
        _writer = new StreamWriter(_ssl);
    }

    public void Send(string line) => _writer.WriteLine(line);

    public void Dispose()
    {
        _writer.Flush();
        TlsClose.Notify(_ssl);
        _writer.Dispose();
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Using_writer_in_async_code_is_flushed_with_the_token_before_the_awaited_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"using System.Threading;

class Mailer
{
    async Task SendAsync(TcpClient tcp, string text, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        using (var {|TLS001:writer = new StreamWriter(ssl)|})
        {
            await writer.WriteAsync(text);
        }
    }
}", UsingsWithRuntime.Replace("using CloseNotify;\n", "") + @"using System.Threading;
using CloseNotify;

class Mailer
{
    async Task SendAsync(TcpClient tcp, string text, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        using (var writer = new StreamWriter(ssl))
        {
            await writer.WriteAsync(text);
            await writer.FlushAsync(cancellationToken);
            await TlsClose.GracefulAsync(ssl, cancellationToken: cancellationToken);
        }
    }
}", Key, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Conditional_writer_in_async_code_is_flushed_and_closed_under_one_null_test(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
sealed class Session
{
    private StreamWriter _writer;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        _writer = new StreamWriter(ssl);
    }

    public Task SendAsync(string line) => _writer.WriteLineAsync(line);

    public async Task QuitAsync()
    {
        await SendAsync(""QUIT"");
        {|TLS001:_writer?.Dispose()|};
    }
}", UsingsWithRuntime + @"
sealed class Session
{
    private StreamWriter _writer;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""mail.example"");
        _writer = new StreamWriter(ssl);
    }

    public Task SendAsync(string line) => _writer.WriteLineAsync(line);

    public async Task QuitAsync()
    {
        await SendAsync(""QUIT"");
        if (_writer != null)
        {
            await _writer.FlushAsync();
            await TlsClose.GracefulAsync(_writer.BaseStream);
        }

        _writer?.Dispose();
    }
}", Key, version, compilationEnd: true);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_for_a_TextWriter_typed_owner_without_BaseStream(LanguageVersion version)
        {
            const string source = @"
sealed class Session : IDisposable
{
    private TextWriter _writer;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""mail.example"");
        _writer = new StreamWriter(ssl);
    }

    public void Dispose() => {|TLS001:_writer.Dispose()|};
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version, compilationEnd: true);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_for_a_Stream_field_that_holds_a_buffer_over_the_TLS_stream(LanguageVersion version)
        {
            // TlsClose.Notify(_stream) would only dispose the BufferedStream and send nothing.
            const string source = @"
sealed class Session : IDisposable
{
    private Stream _stream;

    public void Open(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""mail.example"");
        _stream = new BufferedStream(ssl);
    }

    public void Dispose() => {|TLS001:_stream.Dispose()|};
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version, compilationEnd: true);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task No_fix_before_a_compression_stream_whose_disposal_writes_its_last_block(LanguageVersion version)
        {
            const string source = @"using System.IO.Compression;

class Upload
{
    void Send(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""files.example"");
        var zip = new GZipStream(ssl, CompressionMode.Compress);
        zip.Write(data, 0, data.Length);
        {|TLS001:zip.Dispose()|};
    }
}";
            return Verify.CodeFixAsync(Usings + source, Usings + source, Key, version);
        }
    }
}
