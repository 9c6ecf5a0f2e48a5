using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace CloseNotify.Analyzers.Tests
{
    /// <summary>
    /// TLS001's gate on its own: which files it lets in. The rule's tests show that streams reaching a file through
    /// another file's names are still reported; these show that the other files are really left out, and the edges of
    /// the text search (whole words, chunk boundaries, many names).
    /// </summary>
    public class TlsReachTests
    {
        private const string Ordinary = @"
class Journal
{
    void Write(System.IO.Stream output) { var copy = new System.IO.MemoryStream(); output.CopyTo(copy); copy.Dispose(); }
}";

        [Fact]
        public void Lets_in_only_the_files_that_name_a_way_to_an_SslStream()
        {
            var reach = Reach(out var files,
                "static class Tls { public static System.Net.Security.SslStream Open(System.IO.Stream s) => new System.Net.Security.SslStream(s); }",
                "class Client { void M(System.IO.Stream s) { var tls = Tls.Open(s); tls.Dispose(); } }",
                Ordinary,
                "class Opener { void M() { var OpenTls = 1; System.Console.WriteLine(OpenTls); } }",
                "class Certificates { System.Net.Security.SslStreamCertificateContext Context; void M() { } }");

            Assert.Equal(new[] { true, true, false, false, false }, files.Select(f => reach.CanReach(f.Owner, f.Tree)));
        }

        [Fact]
        public void Follows_names_to_a_fixed_point_through_implicit_members()
        {
            // Pools.Shared is a StreamPool, whose indexer yields an SslStream: a file naming only "Shared" is in.
            var reach = Reach(out var files,
                "class StreamPool { public System.Net.Security.SslStream this[int i] => null; void M() { } }",
                "static class Pools { public static StreamPool Shared; static void M() { } }",
                "class Client { void M() { var tls = Pools.Shared[0]; tls.Dispose(); } }",
                "class Other { void M() { var shared = 1; System.Console.WriteLine(shared); } }");

            Assert.Equal(new[] { true, true, true, false }, files.Select(f => reach.CanReach(f.Owner, f.Tree)));
        }

        [Fact]
        public void Follows_a_global_alias_of_a_tuple_carrying_an_SslStream()
        {
            var reach = Reach(out var files,
                "global using Lease = (System.Net.Security.SslStream Stream, int Id); class Anchor { void M() { } }",
                "static class Leases { public static Lease Take() => default; static void M() { } }",
                "class Client { void M() { var tls = Leases.Take().Stream; tls.Dispose(); } }",
                Ordinary);

            Assert.Equal(new[] { true, true, true, false }, files.Select(f => reach.CanReach(f.Owner, f.Tree)));
        }

        [Fact]
        public void Lets_in_every_file_when_an_extension_GetAwaiter_yields_an_SslStream()
        {
            // await 5 would give an SslStream: nothing in the awaiting file names it.
            var reach = Reach(out var files,
                @"static class Awaiting
{
    public static System.Runtime.CompilerServices.TaskAwaiter<System.Net.Security.SslStream> GetAwaiter(this int seconds) => default;
    static void M() { }
}",
                Ordinary);

            Assert.All(files, f => Assert.True(reach.CanReach(f.Owner, f.Tree)));
        }

        [Fact]
        public void Lets_in_the_other_parts_of_a_partial_type_that_has_a_part_in()
        {
            var reach = Reach(out var files,
                "partial class Connection { System.IO.Stream _stream; void Open(System.IO.Stream s) { _stream = new System.Net.Security.SslStream(s); } }",
                "partial class Connection { void Close() { _stream.Dispose(); } }",
                Ordinary);

            Assert.Equal(new[] { true, true, false }, files.Select(f => reach.CanReach(f.Owner, f.Tree)));
        }

        [Fact]
        public void Finds_names_a_referenced_library_hands_out()
        {
            var library = CSharpCompilation.Create(
                "Driver",
                new[] { CSharpSyntaxTree.ParseText("namespace Driver { public static class Connector { public static System.Net.Security.SslStream Connect(System.IO.Stream s) => new System.Net.Security.SslStream(s); } }") },
                References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var reach = Reach(out var files, new[] { library.ToMetadataReference() },
                "class Client { void M(System.IO.Stream s) { var tls = Driver.Connector.Connect(s); tls.Dispose(); } }",
                Ordinary);

            Assert.Equal(new[] { true, false }, files.Select(f => reach.CanReach(f.Owner, f.Tree)));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(12)]
        public void Finds_a_name_across_a_chunk_boundary(int factoryCount)
        {
            // Up to six names are searched one by one (chunks overlap); more, in one pass over every identifier.
            var factories = string.Join("\n", Enumerable.Range(0, factoryCount).Select(i =>
                $"static class Factory{i} {{ public static System.Net.Security.SslStream Open{i}() => null; }}"));
            const string Before = "class Client { void M() { var tls = Factory0.";
            const int Chunk = 8192;
            for (var shift = -3; shift <= 8; shift++)
            {
                // The name "Open0" starts `shift` characters before the end of the first chunk (and of the second).
                foreach (var boundary in new[] { Chunk, 2 * Chunk })
                {
                    var padding = new string(' ', boundary - shift - Before.Length);
                    var reach = Reach(out var files,
                        factories + " class Anchor { void M() { } }",
                        padding + Before + "Open0(); tls.Dispose(); } }",
                        padding + Before.Replace("Client", "Near") + "Open01; } }",
                        padding + Before.Replace("Client", "Far") + "XOpen0; } }");

                    Assert.Equal(new[] { true, true, false, false }, files.Select(f => reach.CanReach(f.Owner, f.Tree)));
                }
            }
        }

        private static readonly System.Lazy<List<MetadataReference>> References = new System.Lazy<List<MetadataReference>>(() =>
            TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None).GetAwaiter().GetResult().ToList());

        private static TlsReach Reach(out List<(ISymbol Owner, SyntaxTree Tree)> files, params string[] sources) =>
            Reach(out files, new MetadataReference[0], sources);

        /// <summary>The gate over <paramref name="sources"/>, one file each, with the first method of each file as the
        /// owner asked about.</summary>
        private static TlsReach Reach(out List<(ISymbol Owner, SyntaxTree Tree)> files, MetadataReference[] extra, params string[] sources)
        {
            var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Preview), $"File{i}.cs")).ToList();
            var compilation = CSharpCompilation.Create("User", trees, References.Value.Concat(extra), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            files = trees.Select(tree =>
            {
                var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First();
                return ((ISymbol)compilation.GetSemanticModel(tree).GetDeclaredSymbol(method)!, tree);
            }).ToList();
            var symbols = KnownSymbols.TryCreate(compilation);
            Assert.NotNull(symbols);
            return TlsReach.Compute(compilation, symbols!, CancellationToken.None);
        }
    }
}
