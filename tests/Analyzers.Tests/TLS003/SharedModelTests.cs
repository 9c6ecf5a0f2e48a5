// TLS003 reads the flow model TLS001 feeds when both run in one analysis (a build), and feeds it itself when it runs alone
// (TLS001 turned off, `dotnet format --diagnostics TLS003`): the findings must be the same either way.
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class SharedModelTests
    {
        // Lines marked "reported" hold a TLS003 finding; the plain Close in Stop is TLS001's (the stream carried data, and
        // nothing closed it), so TLS003 says nothing there, nor in Drop, which only ever runs after a failure (TLS001's
        // CleanupCallers, fed by TLS001 or by TLS003 itself).
        private const string Source = Sources.Usings + @"using System.IO.Pipelines;

static class Tls
{
    public static async Task<Stream> UpgradeAsync(Stream plain)
    {
        var ssl = new SslStream(plain, false);
        await ssl.AuthenticateAsClientAsync(""broker.example"");
        return ssl;
    }
}

abstract class Channel
{
    protected Stream Transport;

    public void Stop()
    {
        try { Transport.Close(); }
        catch { }
    }
}

sealed class FrameHandler : Channel
{
    private PipeWriter _output;

    public async Task OpenAsync(TcpClient tcp)
    {
        Transport = await Tls.UpgradeAsync(tcp.GetStream());
        _output = PipeWriter.Create(Transport);
    }

    public async Task CloseAsync()
    {
        try { await _output.CompleteAsync(); }
        catch (Exception) { } // reported
    }
}

sealed class Connector
{
    private Stream _stream;

    public async Task OpenAsync(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""db.example"");
        _stream = ssl;
    }

    public void Close()
    {
        (_stream as SslStream)?.ShutdownAsync().Wait();
        try { _stream.Dispose(); }
        catch { } // reported
    }
}

sealed class Listener
{
    private SslStream _ssl;

    public async Task OpenAsync(Stream transport)
    {
        _ssl = new SslStream(transport);
        try { await _ssl.AuthenticateAsClientAsync(""peer.example""); }
        catch (Exception error) { Drop(error); throw; }
    }

    public void Stop() => Release(null);

    private void Drop(Exception cause)
    {
        try { _ssl.ShutdownAsync().Wait(100); }
        catch { } // cleanup after the failure every caller hands it
    }

    private void Release(Exception cause)
    {
        try { _ssl.ShutdownAsync().Wait(100); }
        catch { } // reported
    }
}

sealed class Supervisor
{
    void Stop(Connector connector)
    {
        try { connector.Close(); }
        catch { } // reported
    }
}
";

        [Fact]
        public async Task TLS003_finds_the_same_with_TLS001_in_the_analysis_as_alone()
        {
            var compilation = await CompilationAsync();
            var alone = await Tls003Async(compilation, new SwallowedCloseErrorAnalyzer());
            var together = await Tls003Async(compilation, new DisposedWithoutCloseNotifyAnalyzer(), new SwallowedCloseErrorAnalyzer());

            var marked = Source.Split('\n').Select((line, index) => (line, index)).Where(l => l.line.Contains("// reported")).Select(l => l.index);
            Assert.Equal(marked, alone.Select(d => d.Location.GetLineSpan().StartLinePosition.Line));
            Assert.Equal(alone.Select(Describe), together.Select(Describe));
        }

        [Fact]
        public async Task TLS001_reports_the_same_with_TLS003_asking_for_its_findings_first()
        {
            var compilation = await CompilationAsync();
            var alone = await DiagnosticsAsync(compilation, "TLS001", new DisposedWithoutCloseNotifyAnalyzer());
            var together = await DiagnosticsAsync(compilation, "TLS001", new SwallowedCloseErrorAnalyzer(), new DisposedWithoutCloseNotifyAnalyzer());
            Assert.NotEmpty(alone);
            Assert.Equal(alone.Select(Describe), together.Select(Describe));
        }

        private static async Task<Compilation> CompilationAsync()
        {
            var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            return CSharpCompilation.Create(
                "Shared",
                new[] { CSharpSyntaxTree.ParseText(Source, path: "Shared.cs") },
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        }

        private static Task<ImmutableArray<Diagnostic>> Tls003Async(Compilation compilation, params DiagnosticAnalyzer[] analyzers) =>
            DiagnosticsAsync(compilation, "TLS003", analyzers);

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Compilation compilation, string id, params DiagnosticAnalyzer[] analyzers)
        {
            // A fresh compilation per analysis, as each build has: the flow model belongs to one.
            var diagnostics = await compilation.Clone().WithAnalyzers(ImmutableArray.Create(analyzers)).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            return diagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private static string Describe(Diagnostic diagnostic) => diagnostic.Location.GetLineSpan() + " " + diagnostic.GetMessage();
    }
}
