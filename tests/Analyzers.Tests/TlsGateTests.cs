// The compilation gates: a compilation that cannot hold an SslStream gets no callbacks at all from TLS001 and TLS003-TLS006,
// nor one that neither calls ShutdownAsync nor imports SSL_shutdown from TLS002 (read from the driver's own telemetry);
// one that can, by its text or by a library it references, gets them.
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers.Tests
{
    public class TlsGateTests
    {
        private const string NoTls = @"
using System.IO;
class Files
{
    void Copy(Stream from, string path)
    {
        using (var to = File.Create(path)) { from.CopyTo(to); }
    }
}";

        [Theory]
        [InlineData("SslStream", 1)]
        [InlineData("xxxxSslStream", 1)]
        [InlineData("xxxxxxxSslStream", 1)]
        [InlineData("xxxxxxxxxxxxxxxxxxxxxSslStreamyyy", 1)]
        [InlineData("xxxxxxxxxxxxxSslStrea", 0)]
        [InlineData("SslStreaSslStrea", 0)]
        [InlineData("", 0)]
        [InlineData("x.ShutdownAsync()", 2)]
        [InlineData("xxxxxxxxxxxxxxxxxxxShutdownAsync", 2)]
        [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxShutdownAsyn", 0)]
        [InlineData("[DllImport(\"ssl\", EntryPoint = \"SSL_shutdown\")]", 4)]
        [InlineData("xxxxxxxxxxxxxxxxxxxxxxSSL_shutdownxxSslStreamxxxxxxxxxShutdownAsync", 7)]
        [InlineData("ssl_shutdown sslstream shutdownasync", 0)]
        public void Finds_every_word_in_any_chunk_and_across_chunk_boundaries(string text, int found)
        {
            // A 16-character buffer (chunks overlap by 13, the longest word): the words straddle chunk ends at several
            // offsets above.
            // found: 1 SslStream, 2 ShutdownAsync, 4 SSL_shutdown (TlsGate.SourceWord).
            Assert.Equal((TlsGate.SourceWord)found, TlsGate.Find(SourceText.From(text), TlsGate.SourceWord.None, new char[16]));
        }

        [Fact]
        public void Looks_only_for_the_words_not_found_yet()
        {
            Assert.Equal(TlsGate.SourceWord.ShutdownAsync, TlsGate.Find(SourceText.From("SslStream ShutdownAsync"), TlsGate.SourceWord.SslStream, new char[16]));
        }

        [Theory]
        [MemberData(nameof(Analyzers))]
        public async Task A_compilation_without_TLS_gets_no_callbacks(DiagnosticAnalyzer analyzer)
        {
            var telemetry = await TelemetryAsync(analyzer, await CompileAsync(NoTls));
            Assert.Equal(0, telemetry.OperationActionsCount);
            Assert.Equal(0, telemetry.OperationBlockActionsCount);
            Assert.Equal(0, telemetry.CompilationEndActionsCount);
        }

        [Theory]
        [MemberData(nameof(Analyzers))]
        public async Task A_compilation_that_names_SslStream_is_analyzed(DiagnosticAnalyzer analyzer)
        {
            var telemetry = await TelemetryAsync(analyzer, await CompileAsync(NoTls + "\nclass Tls { System.Net.Security.SslStream Stream; }"));
            Assert.True(telemetry.OperationActionsCount > 0);
        }

        [Theory]
        [MemberData(nameof(Analyzers))]
        public async Task A_compilation_given_SslStreams_by_a_library_is_analyzed_though_it_never_names_the_type(DiagnosticAnalyzer analyzer)
        {
            var library = await CompileAsync(@"
public class Connector
{
    public System.Net.Security.SslStream Open(System.IO.Stream transport) => new System.Net.Security.SslStream(transport);
}", "Connector");
            var consumer = await CompileAsync(@"
class Client
{
    void Run(Connector connector, System.IO.Stream transport)
    {
        var tls = connector.Open(transport);
        tls.Write(new byte[1], 0, 1);
        tls.Dispose();
    }
}", "Client", ImageOf(library));
            Assert.True((await TelemetryAsync(analyzer, consumer)).OperationActionsCount > 0);
        }

        [Theory]
        [InlineData(NoTls)]
        [InlineData(NoTls + "\nclass Tls { System.Net.Security.SslStream Stream; void Close() => Stream.Dispose(); }")]
        public async Task TLS002_gets_no_callbacks_where_nothing_calls_ShutdownAsync_or_imports_SSL_shutdown(string source)
        {
            var telemetry = await TelemetryAsync(new SingleShotShutdownAnalyzer(), await CompileAsync(source));
            Assert.Equal(0, telemetry.OperationActionsCount);
        }

        [Theory]
        [InlineData("class C { void Close(System.Net.Security.SslStream ssl) { _ = ssl.ShutdownAsync(); } }")]
        [InlineData("using System; using System.Runtime.InteropServices; class C { [DllImport(\"ssl\", EntryPoint = \"SSL_shutdown\")] static extern int Close(IntPtr ssl); void M(IntPtr ssl) { Close(ssl); } }")]
        public async Task TLS002_reports_where_the_source_calls_ShutdownAsync_or_imports_SSL_shutdown_under_any_name(string source)
        {
            var diagnostics = await DiagnosticsAsync(new SingleShotShutdownAnalyzer(), await CompileAsync(source));
            Assert.Contains(diagnostics, d => d.Id == "TLS002");
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task TLS002_reports_a_call_to_an_SSL_shutdown_import_of_a_referenced_library_under_another_name(bool asFile)
        {
            var library = await CompileAsync(@"
public static class Native
{
    [System.Runtime.InteropServices.DllImport(""ssl"", EntryPoint = ""SSL_shutdown"")]
    public static extern int Shutdown(System.IntPtr ssl);
}", "Native");
            var consumer = await CompileAsync(@"
class Client
{
    void Close(System.IntPtr ssl) { Native.Shutdown(ssl); }
}", "Client", asFile ? ImageOf(library) : library.ToMetadataReference());
            var diagnostics = await DiagnosticsAsync(new SingleShotShutdownAnalyzer(), consumer);
            Assert.Contains(diagnostics, d => d.Id == "TLS002");
        }

        public static TheoryData<DiagnosticAnalyzer> Analyzers => new TheoryData<DiagnosticAnalyzer>
        {
            new DisposedWithoutCloseNotifyAnalyzer(),
            new SwallowedCloseErrorAnalyzer(),
            new TransportClosedUnderTlsAnalyzer(),
            new WriteAfterShutdownAnalyzer(),
            new UnboundedDrainAnalyzer(),
        };

        private static async Task<Compilation> CompileAsync(string source, string name = "Gate", params MetadataReference[] extra)
        {
            var references = await ReferenceAssemblies.Net.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            return CSharpCompilation.Create(
                name,
                new[] { CSharpSyntaxTree.ParseText(source, path: name + ".cs") },
                references.AddRange(extra),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        }

        /// <summary>The library as a file reference, as a command-line build sees a referenced project.</summary>
        private static MetadataReference ImageOf(Compilation library)
        {
            using var image = new System.IO.MemoryStream();
            var emitted = library.Emit(image);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            return MetadataReference.CreateFromImage(image.ToArray());
        }

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(DiagnosticAnalyzer analyzer, Compilation compilation)
        {
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return diagnostics;
        }

        private static async Task<AnalyzerTelemetryInfo> TelemetryAsync(DiagnosticAnalyzer analyzer, Compilation compilation)
        {
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create(analyzer),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
        }
    }
}
