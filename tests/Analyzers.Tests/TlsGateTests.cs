// The compilation gate of TLS001 and TLS003-TLS006: a compilation that cannot hold an SslStream gets no callbacks at all
// (read from the driver's own telemetry), one that can, by its text or by a library it references, gets them.
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
        [InlineData("SslStream", true)]
        [InlineData("xxxxSslStream", true)]
        [InlineData("xxxxxSslStream", true)]
        [InlineData("xxxxxxxxxxxxxxxxxxxxxSslStreamyyy", true)]
        [InlineData("xxxxxxxxxxxxxSslStrea", false)]
        [InlineData("SslStreaSslStrea", false)]
        [InlineData("", false)]
        public void Finds_the_name_in_any_chunk_and_across_chunk_boundaries(string text, bool found)
        {
            // A 12-character buffer: the name (9) straddles chunk ends at several offsets above.
            Assert.Equal(found, TlsGate.Contains(SourceText.From(text), "SslStream", new char[12]));
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
