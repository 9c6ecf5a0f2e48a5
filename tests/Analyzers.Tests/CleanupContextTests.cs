// CleanupContext: which code must not throw, decided across the compilation (issue 25, class 1): each kind of cleanup
// and callback, reached directly or through callers, and what is not cleanup.
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CloseNotify.Analyzers.Tests
{
    public class CleanupContextTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
";

        // The code in question is the statement after /*here*/.
        private const string Session = @"
class Session
{
    SslStream _ssl;

    public void Disconnect()
    {
        /*here*/ _ssl.ShutdownAsync().Wait();
    }
}";

        [Fact]
        public Task A_catch_block_is_cleanup() => AssertCleanup(@"
class C
{
    void M(SslStream ssl)
    {
        try { ssl.Write(new byte[1]); }
        catch (IOException) { /*here*/ ssl.Dispose(); }
    }
}", CleanupKind.CatchBlock, "a catch block in C.M");

        [Fact]
        public Task A_finally_block_is_cleanup() => AssertCleanup(@"
class C
{
    void M(SslStream ssl)
    {
        try { ssl.Write(new byte[1]); }
        finally { /*here*/ ssl.Dispose(); }
    }
}", CleanupKind.FinallyBlock, "a finally block in C.M");

        [Theory]
        [InlineData("public void Dispose()", "C.Dispose")]
        [InlineData("protected virtual void Dispose(bool disposing)", "C.Dispose")]
        [InlineData("public ValueTask DisposeAsync()", "C.DisposeAsync")]
        [InlineData("void IDisposable.Dispose()", "C.System.IDisposable.Dispose")]
        [InlineData("void Cleanup()", "C.Cleanup")]
        public Task Dispose_methods_are_cleanup(string signature, string member) => AssertCleanup(@"
class C : IDisposable
{
    SslStream _ssl;
    public void Close() { }
    " + signature + @"
    {
        /*here*/ _ssl.ShutdownAsync().Wait();
" + (signature.Contains("ValueTask") ? "        return default;\n" : string.Empty) + @"    }
" + (signature.Contains("IDisposable.") ? string.Empty : "    void IDisposable.Dispose() { }\n") + @"}", CleanupKind.Dispose, member);

        [Fact]
        public Task A_Close_override_of_a_stream_is_what_Dispose_runs() => AssertCleanup(@"
sealed class ExtendedSslStream : SslStream
{
    public ExtendedSslStream(Stream inner) : base(inner) { }
    public override void Close() { /*here*/ base.ShutdownAsync().Wait(); base.Close(); }
}", CleanupKind.Dispose, "ExtendedSslStream.Close");

        [Fact]
        public Task A_finalizer_is_cleanup() => AssertCleanup(@"
class C
{
    SslStream _ssl;
    ~C() { /*here*/ _ssl.Dispose(); }
}", CleanupKind.Finalizer, "the finalizer C.~C");

        [Fact]
        public Task A_method_called_from_the_catch_of_an_io_callback_is_cleanup_whatever_its_name() => AssertCleanup(Session + @"
class Server
{
    Session _session;
    Stream _stream;

    void Receive() => _stream.BeginRead(new byte[1], 0, 1, OnReceive, null);

    void OnReceive(IAsyncResult result)
    {
        try { _stream.EndRead(result); }
        catch (Exception) { _session.Disconnect(); }
    }
}", CleanupKind.CatchBlock, "Session.Disconnect, reached from a catch block in Server.OnReceive");

        [Fact]
        public Task A_method_given_as_an_AsyncCallback_is_an_io_callback() => AssertCleanup(@"
class Server
{
    Stream _stream;
    void Receive() => _stream.BeginRead(new byte[1], 0, 1, OnReceive, null);
    void OnReceive(IAsyncResult result) { /*here*/ _stream.EndRead(result); }
}", CleanupKind.IoCallback, "Server.OnReceive, reached from an I/O callback in Server.Receive");

        [Fact]
        public Task A_lambda_given_as_an_AsyncCallback_is_an_io_callback() => AssertCleanup(@"
class Server
{
    Stream _stream;
    void Receive() => _stream.BeginRead(new byte[1], 0, 1, result => { /*here*/ _stream.EndRead(result); }, null);
}", CleanupKind.IoCallback, "an I/O callback in Server.Receive");

        [Fact]
        public Task Callers_of_callers_are_searched() => AssertCleanup(Session + @"
class Connection
{
    Session _session;
    public void Close() => _session.Disconnect();
}

class Server
{
    Connection _connection;
    void OnError(object sender, SocketAsyncEventArgs args) => Drop();
    void Drop() { _connection.Close(); }
    void Start(SocketAsyncEventArgs args) { args.Completed += OnError; }
}", CleanupKind.IoCallback, "Session.Disconnect, reached from an I/O callback in Server.Start");

        [Fact]
        public Task Callers_past_three_levels_are_not_searched() => AssertNotCleanup(Session + @"
class Chain
{
    Session _session;
    void A() => _session.Disconnect();
    void B() => A();
    void C() => B();
    void D() { try { } finally { C(); } }
}");

        [Theory]
        [InlineData("token.Register(() => session.Disconnect());", nameof(CleanupKind.CancellationCallback))]
        [InlineData("token.Register(session.Disconnect);", nameof(CleanupKind.CancellationCallback))]
        [InlineData("task.ContinueWith(_ => session.Disconnect());", nameof(CleanupKind.IoCallback))]
        [InlineData("new Timer(_ => session.Disconnect(), null, 1000, -1);", nameof(CleanupKind.IoCallback))]
        [InlineData("ThreadPool.QueueUserWorkItem(_ => session.Disconnect());", nameof(CleanupKind.IoCallback))]
        [InlineData("args.Completed += (s, e) => session.Disconnect();", nameof(CleanupKind.IoCallback))]
        [InlineData("Closed += (s, e) => session.Disconnect();", nameof(CleanupKind.EventHandler))]
        [InlineData("Closed += delegate { session.Disconnect(); };", nameof(CleanupKind.EventHandler))]
        public Task Callbacks_are_cleanup(string registration, string kind) => AssertCleanup(Session + @"
class Owner
{
    public event EventHandler Closed;

    void Start(Session session, CancellationToken token, Task task, SocketAsyncEventArgs args)
    {
        " + registration + @"
    }
}", System.Enum.Parse<CleanupKind>(kind), null);

        [Fact]
        public Task A_call_through_the_base_method_reaches_the_override() => AssertCleanup(@"
abstract class Channel
{
    public abstract void Disconnect();
    public void Dispose() => Disconnect();
}

sealed class TlsChannel : Channel
{
    SslStream _ssl;
    public override void Disconnect() { /*here*/ _ssl.ShutdownAsync().Wait(); }
}", CleanupKind.Dispose, "TlsChannel.Disconnect, reached from Channel.Dispose");

        [Fact]
        public Task A_call_through_an_interface_reaches_the_implementation() => AssertCleanup(@"
interface IChannel { void Disconnect(); }

sealed class TlsChannel : IChannel
{
    SslStream _ssl;
    public void Disconnect() { /*here*/ _ssl.ShutdownAsync().Wait(); }
}

class Pool
{
    void Trim(IChannel channel) { try { } finally { channel.Disconnect(); } }
}", CleanupKind.FinallyBlock, "TlsChannel.Disconnect, reached from a finally block in Pool.Trim");

        [Fact]
        public Task A_local_function_given_as_a_callback_is_one() => AssertCleanup(@"
class C
{
    void Start(SslStream ssl, CancellationToken token)
    {
        token.Register(Stop);

        void Stop() { /*here*/ ssl.Dispose(); }
    }
}", CleanupKind.CancellationCallback, "a cancellation callback in C.Start");

        [Fact]
        public Task A_lambda_run_in_place_shares_its_catch() => AssertCleanup(@"
class C
{
    void M(SslStream[] streams)
    {
        try { }
        catch (Exception) { Array.ForEach(streams, s => { /*here*/ s.Dispose(); }); }
    }
}", CleanupKind.CatchBlock, "a catch block in C.M");

        [Fact]
        public Task Plain_code_is_not_cleanup() => AssertNotCleanup(Session + @"
class Client
{
    Session _session;
    public void Close() { _session.Disconnect(); }
    public async Task RunAsync() { await Task.Yield(); Close(); }
}");

        [Fact]
        public Task A_catch_filter_is_not_the_catch_block() => AssertNotCleanup(@"
class C
{
    static bool Log(Exception e) => true;

    void M(SslStream ssl)
    {
        try { }
        catch (Exception e) when (/*here*/ Log(e)) { }
    }
}");

        [Fact]
        public Task A_name_in_a_comment_or_a_string_is_not_a_call() => AssertNotCleanup(Session + @"
class Server
{
    void OnError()
    {
        try { }
        catch (Exception) { Console.WriteLine(""Disconnect""); /* _session.Disconnect(); */ }
    }
}");

        [Fact]
        public Task A_generic_method_called_from_a_catch_is_found() => AssertCleanup(@"
class Pool
{
    void Release<T>(T item) where T : IDisposable { /*here*/ item.Dispose(); }

    void OnError(SslStream ssl)
    {
        try { }
        catch (Exception) { Release<SslStream>(ssl); }
    }
}", CleanupKind.CatchBlock, "Pool.Release, reached from a catch block in Pool.OnError");

        [Fact]
        public Task Recursive_callers_end() => AssertNotCleanup(Session + @"
class Loop
{
    Session _session;
    void A(int n) { if (n > 0) B(n - 1); else _session.Disconnect(); }
    void B(int n) { A(n); }
}");

        [Fact]
        public async Task Answers_are_cached_per_compilation()
        {
            var (compilation, node) = await Compile(Session + @"
class Server
{
    Session _session;
    void OnError() { try { } catch { _session.Disconnect(); } }
}");
            var model = compilation.GetSemanticModel(node.SyntaxTree);

            var first = CleanupContext.For(compilation).Find(node, model, CancellationToken.None);
            var second = CleanupContext.For(compilation).Find(node, model, CancellationToken.None);

            Assert.Same(CleanupContext.For(compilation), CleanupContext.For(compilation));
            Assert.Equal(first?.ToString(), second?.ToString());
            Assert.Equal(CleanupKind.CatchBlock, second?.Kind);
        }

        private static async Task AssertCleanup(string source, CleanupKind kind, string? description)
        {
            var (compilation, node) = await Compile(source);
            var reason = CleanupContext.For(compilation).Find(node, compilation.GetSemanticModel(node.SyntaxTree), CancellationToken.None);

            Assert.NotNull(reason);
            Assert.Equal(kind, reason!.Kind);
            if (description != null)
            {
                Assert.Equal(description, reason.ToString());
            }
        }

        private static async Task AssertNotCleanup(string source)
        {
            var (compilation, node) = await Compile(source);
            var reason = CleanupContext.For(compilation).Find(node, compilation.GetSemanticModel(node.SyntaxTree), CancellationToken.None);

            Assert.Null(reason);
        }

        private static async Task<(Compilation Compilation, SyntaxNode Node)> Compile(string source)
        {
            var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            var tree = CSharpSyntaxTree.ParseText(Usings + source, new CSharpParseOptions(LanguageVersion.Preview));
            var compilation = CSharpCompilation.Create("Test", new[] { tree }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
            Assert.True(errors.IsEmpty, string.Join("\n", errors));

            var marker = tree.GetRoot().DescendantTrivia().Single(t => t.ToString() == "/*here*/");
            return (compilation, tree.GetRoot().FindToken(marker.Span.End).Parent!);
        }
    }
}
