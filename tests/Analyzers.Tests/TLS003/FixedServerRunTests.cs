// The TLS003 fix run, not only compiled (issue 25, class 1): a server whose Disconnect() — called from the catch of an
// I/O callback — wraps ShutdownAsync().Wait() in catch (Exception) {} is fixed by the default action, built, and run in
// a process of its own while a client sends plain non-TLS bytes to it. The failed handshake makes ShutdownAsync throw
// InvalidOperationException in Disconnect: the fixed server must not crash and must release the session and socket.
// The same server with the catch merely narrowed to the benign errors (what the fix wrote before) crashes: the check
// tells the two apart.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class FixedServerRunTests
    {
        private const string Server = @"using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;

sealed class Session
{
    public static int Released;

    private readonly Socket _socket;
    private readonly SslStream _ssl;

    public Session(Socket socket, SslStream ssl) { _socket = socket; _ssl = ssl; }

    public void Disconnect()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        CATCH
        {
        }

        _ssl.Dispose();
        _socket.Dispose();
        Interlocked.Increment(ref Released);
    }
}

sealed class Server
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;

    public Server(TcpListener listener, X509Certificate2 certificate) { _listener = listener; _certificate = certificate; }

    public void Start() => _listener.BeginAcceptSocket(OnAccept, null);

    private void OnAccept(IAsyncResult result)
    {
        var socket = _listener.EndAcceptSocket(result);
        var ssl = new SslStream(new NetworkStream(socket, false));
        var session = new Session(socket, ssl);
        ssl.BeginAuthenticateAsServer(_certificate, false, SslProtocols.None, false, done => OnAuthenticated(session, ssl, done), null);
    }

    private void OnAuthenticated(Session session, SslStream ssl, IAsyncResult result)
    {
        try
        {
            ssl.EndAuthenticateAsServer(result);
        }
        catch (Exception)
        {
            session.Disconnect();
        }
    }
}

static class Program
{
    static int Main()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(""CN=localhost"", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        new Server(listener, certificate).Start();

        // A client that speaks plain HTTP to the TLS port, then waits for the server to let go of the connection.
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        client.GetStream().Write(Encoding.ASCII.GetBytes(""GET / HTTP/1.1\r\nHost: localhost\r\n\r\n""));
        client.ReceiveTimeout = 10000;
        int read;
        try
        {
            read = client.GetStream().Read(new byte[4096], 0, 4096);
        }
        catch (System.IO.IOException)
        {
            read = 0; // reset by the server: released too
        }

        for (var i = 0; i < 100 && Volatile.Read(ref Session.Released) == 0; i++)
        {
            Thread.Sleep(50);
        }

        Thread.Sleep(500); // time for a crash of the callback thread to end the process
        Console.WriteLine(""read="" + read + "" released="" + Session.Released);
        return Session.Released == 1 ? 0 : 1;
    }
}";

        [Fact]
        public async Task Fixed_with_the_runtime_the_server_survives_a_plain_text_client_and_releases_the_session()
        {
            var fixedSource = await FixAsync(Server.Replace("CATCH", "catch (Exception)"), withRuntime: true);

            Assert.Contains("TlsErrors.IsBenign(ex, _ssl)", fixedSource, StringComparison.Ordinal);
            var run = await RunAsync(fixedSource, withRuntime: true);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("released=1", run.Output, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Fixed_without_the_runtime_the_server_survives_a_plain_text_client_and_releases_the_session()
        {
            var fixedSource = await FixAsync(Server.Replace("CATCH", "catch (Exception)"), withRuntime: false);

            Assert.Contains("!_ssl.CanWrite", fixedSource, StringComparison.Ordinal);
            var run = await RunAsync(fixedSource, withRuntime: false);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("released=1", run.Output, StringComparison.Ordinal);
        }

        [Fact]
        public async Task The_catch_only_narrowed_to_the_benign_errors_crashes_the_server()
        {
            var narrowed = Server.Replace("CATCH", "catch (Exception ex) when (CloseNotify.TlsErrors.IsBenign(ex))");

            var run = await RunAsync(narrowed, withRuntime: true);

            Assert.True(run.ExitCode != 0, run.Output);
            Assert.Contains("InvalidOperationException", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("released=1", run.Output, StringComparison.Ordinal);
        }

        /// <summary>The source after the default TLS003 fix (found by the analyzer, applied through the fixer's code action).</summary>
        private static async Task<string> FixAsync(string source, bool withRuntime)
        {
            var references = (await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).ToList();
            if (withRuntime)
            {
                references.Add(MetadataReference.CreateFromFile(typeof(TlsClose).Assembly.Location));
            }

            using var workspace = new AdhocWorkspace();
            var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Server", "Server", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: references));
            var document = workspace.AddDocument(project.Id, "Server.cs", Microsoft.CodeAnalysis.Text.SourceText.From(source));
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SwallowedCloseErrorAnalyzer())).GetAnalyzerDiagnosticsAsync();
            var diagnostic = Assert.Single(diagnostics, d => d.Id == RuleIdentifiers.SwallowedCloseError);

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await new SwallowedCloseErrorFixer().RegisterCodeFixesAsync(context);
            var fix = Assert.Single(actions, a => a.EquivalenceKey == SwallowedCloseErrorFixer.DefaultKey);
            var operation = Assert.Single((await fix.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
            return (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
        }

        /// <summary>Builds <paramref name="source"/> against the running .NET and runs it in a process of its own (bounded).</summary>
        private static async Task<(int ExitCode, string Output)> RunAsync(string source, bool withRuntime)
        {
            var directory = Path.Combine(Path.GetTempPath(), "closenotify-run-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                    .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
                    .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                    .ToList();
                if (withRuntime)
                {
                    var runtime = typeof(TlsClose).Assembly.Location;
                    references.Add(MetadataReference.CreateFromFile(runtime));
                    File.Copy(runtime, Path.Combine(directory, Path.GetFileName(runtime)));
                }

                var compilation = CSharpCompilation.Create("Server", new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
                    references, new CSharpCompilationOptions(OutputKind.ConsoleApplication));
                var program = Path.Combine(directory, "Server.dll");
                var emitted = compilation.Emit(program);
                Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
                File.WriteAllText(Path.Combine(directory, "Server.runtimeconfig.json"),
                    "{ \"runtimeOptions\": { \"tfm\": \"net" + Environment.Version.ToString(2) + "\", \"framework\": { \"name\": \"Microsoft.NETCore.App\", \"version\": \"" + Environment.Version + "\" } } }");

                using var process = Process.Start(new ProcessStartInfo("dotnet", "\"" + program + "\"")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = directory,
                })!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException("the server did not end within 60 s:\n" + await stdout + await stderr);
                }

                return (process.ExitCode, await stdout + await stderr);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
