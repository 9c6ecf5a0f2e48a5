// TLS003 in cleanup code: what is not benign is reported through the library's own logger when one is in scope
// (each recognised shape), otherwise through Trace.
using System.Linq;
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SwallowedCloseErrorAnalyzer, CloseNotify.CodeFixes.SwallowedCloseErrorFixer>;

namespace CloseNotify.Analyzers.Tests.TLS003
{
    public class LoggerFixTests
    {
        private const string Usings = @"using System;
using System.Net.Security;
";

        private const string FixedUsings = @"using System;
using System.Net.Security;
using CloseNotify;
";

        /// <summary>A Dispose whose swallowing catch TLS003 reports, with <paramref name="members"/> and <paramref name="fixedCatch"/>.</summary>
        private static string Connection(string members, string? fixedCatch = null, string extraUsings = "", string bases = "IDisposable") => extraUsings + @"
sealed class Connection : " + bases + @"
{
    private readonly SslStream _ssl;
" + members + @"
    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
" + (fixedCatch ?? @"        {|TLS003:catch|}
        {
        }
") + @"    }
}";

        private static string Indented(string code) =>
            string.Join("\n", code.Replace("\r\n", "\n").Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

        private static string Reported(string report) => @"        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
        }
        catch (Exception ex)
        {
            " + report + @"
        }
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task An_ILogger_field_reports_the_error(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                Usings + "using Microsoft.Extensions.Logging;\n" + Connection("    private readonly ILogger _logger;\n"),
                FixedUsings + "using Microsoft.Extensions.Logging;\n" + Connection("    private readonly ILogger _logger;\n", Reported(@"_logger.LogError(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task An_ILogger_of_T_property_is_used_with_the_types_this_prefix(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                Usings + "using Microsoft.Extensions.Logging;\n" + Connection("    private ILogger<Connection> Logger { get; }\n    public Connection(SslStream ssl) { this._ssl = ssl; }\n"),
                FixedUsings + "using Microsoft.Extensions.Logging;\n" + Connection("    private ILogger<Connection> Logger { get; }\n    public Connection(SslStream ssl) { this._ssl = ssl; }\n", Reported(@"this.Logger.LogError(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp8), MemberType = typeof(LanguageVersions))]
        public Task A_nullable_logger_is_called_null_safely(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                Usings + "using Microsoft.Extensions.Logging;\n" + Connection("    private readonly ILogger? _logger;\n    public Connection(SslStream ssl, ILogger? logger) { _ssl = ssl; _logger = logger; }\n"),
                FixedUsings + "using Microsoft.Extensions.Logging;\n" + Connection("    private readonly ILogger? _logger;\n    public Connection(SslStream ssl, ILogger? logger) { _ssl = ssl; _logger = logger; }\n", Reported(@"_logger?.LogError(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging, nullable: true);

        // Nullability not annotated, and the base class that declares the logger calls it with ?. (a connection may run
        // without one): the report must not throw NullReferenceException out of the last catch and skip the close.
        private const string BaseWithOptionalLogger = @"
abstract class ConnectionBase
{
    protected ILogger Logger { get; set; }

    protected void OnError(string message, Exception e) => Logger?.LogError(e, message);
}
";

        private static string DerivedConnection(string? fixedCatch = null) =>
            BaseWithOptionalLogger + Connection(string.Empty, fixedCatch, bases: "ConnectionBase, IDisposable");

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_logger_the_code_calls_with_a_null_conditional_is_called_null_safely(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                Usings + "using Microsoft.Extensions.Logging;\n" + DerivedConnection(),
                FixedUsings + "using Microsoft.Extensions.Logging;\n" + DerivedConnection(Reported(@"Logger?.LogError(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Where_the_logging_namespace_is_not_imported_LogError_comes_with_its_using(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                Usings + Connection("    private readonly Microsoft.Extensions.Logging.ILogger _logger;\n"),
                FixedUsings + "using Microsoft.Extensions.Logging;\n" + Connection("    private readonly Microsoft.Extensions.Logging.ILogger _logger;\n", Reported(@"_logger.LogError(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        // A file that imports the namespace under an #if for another build: an unconditional using beside it would be
        // CS0105 once dotnet format merges the builds, and without a using no ILogger extension binds: Trace reports.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Where_only_another_build_imports_the_logging_namespace_Trace_reports(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                Usings + "#if OTHER_BUILD\nusing Microsoft.Extensions.Logging;\n#endif\n" + Connection("    private readonly Microsoft.Extensions.Logging.ILogger _logger;\n"),
                "using System;\nusing System.Diagnostics;\nusing System.Net.Security;\nusing CloseNotify;\n#if OTHER_BUILD\nusing Microsoft.Extensions.Logging;\n#endif\n" + Connection("    private readonly Microsoft.Extensions.Logging.ILogger _logger;\n", Reported(@"Trace.TraceError(""TLS close failed: {0}"", ex);")),
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        // Usings inside the namespace: the new one joins them there, in order.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Where_the_usings_are_inside_the_namespace_the_logging_using_joins_them(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(
                "namespace App\n{\n    using System;\n    using System.Net.Security;\n" + Indented(Connection("    private readonly Microsoft.Extensions.Logging.ILogger _logger;\n")) + "\n}\n",
                "namespace App\n{\n    using System;\n    using System.Net.Security;\n    using CloseNotify;\n    using Microsoft.Extensions.Logging;\n" + Indented(Connection("    private readonly Microsoft.Extensions.Logging.ILogger _logger;\n", Reported(@"_logger.LogError(ex, ""TLS close failed"");"))) + "\n}\n",
                SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_logger_parameter_of_the_cleanup_method_is_used(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(Usings + "using Microsoft.Extensions.Logging;\n" + @"
static class Closer
{
    public static void CloseQuietly(SslStream ssl, ILogger logger)
    {
        try
        {
            ssl.Dispose();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", FixedUsings + "using Microsoft.Extensions.Logging;\n" + @"
static class Closer
{
    public static void CloseQuietly(SslStream ssl, ILogger logger)
    {
        try
        {
            ssl.Dispose();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, ""TLS close failed"");
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task An_instance_logger_is_not_in_scope_in_static_code(LanguageVersion version) =>
            Verify.CodeFixOnReferencesAsync(Usings + "using Microsoft.Extensions.Logging;\n" + @"
sealed class Closer
{
    private readonly ILogger _logger;

    public Closer(ILogger logger) { _logger = logger; }

    public static void CloseQuietly(SslStream ssl)
    {
        try
        {
            ssl.Dispose();
        }
        {|TLS003:catch (Exception)|}
        {
        }
    }
}", "using System;\nusing System.Diagnostics;\nusing System.Net.Security;\nusing CloseNotify;\nusing Microsoft.Extensions.Logging;\n" + @"
sealed class Closer
{
    private readonly ILogger _logger;

    public Closer(ILogger logger) { _logger = logger; }

    public static void CloseQuietly(SslStream ssl)
    {
        try
        {
            ssl.Dispose();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", SwallowedCloseErrorFixer.DefaultKey, version, TestReferences.Net80WithLogging);

        // A library's own logger (the shape of DotNetty's IInternalLogger): Error(string message, Exception cause).
        private const string InternalLogger = @"
interface IInternalLogger
{
    void Error(string message, Exception cause);
    void Error(string message);
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_librarys_own_logger_with_Error_message_then_exception_is_used(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + InternalLogger + Connection("    private static readonly IInternalLogger Logger = null;\n"),
                FixedUsings + InternalLogger + Connection("    private static readonly IInternalLogger Logger = null;\n", Reported(@"Logger.Error(""TLS close failed"", ex);")),
                SwallowedCloseErrorFixer.DefaultKey, version);

        // log4net's shape: ILog.Error(object message, Exception exception).
        private const string Log4NetLike = @"
namespace Logging
{
    public interface ILog
    {
        void Error(object message);
        void Error(object message, Exception exception);
    }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_log4net_like_ILog_is_used(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + Log4NetLike + Connection("    private readonly Logging.ILog _log;\n"),
                FixedUsings + Log4NetLike + Connection("    private readonly Logging.ILog _log;\n", Reported(@"_log.Error(""TLS close failed"", ex);")),
                SwallowedCloseErrorFixer.DefaultKey, version);

        // Serilog's and NLog's shape: Error(Exception exception, string messageTemplate, params object[] values).
        private const string SerilogLike = @"
namespace Serilog
{
    public interface ILogger
    {
        void Error(string messageTemplate, params object[] propertyValues);
        void Error(Exception exception, string messageTemplate, params object[] propertyValues);
    }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_Serilog_like_logger_is_called_exception_first(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + SerilogLike + Connection("    private readonly Serilog.ILogger _log;\n"),
                FixedUsings + SerilogLike + Connection("    private readonly Serilog.ILogger _log;\n", Reported(@"_log.Error(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version);

        // A library's own logger whose Error overloads are extension methods in a namespace the file imports.
        private const string ExtensionLogger = @"
namespace Library.Diagnostics
{
    public sealed class SourceLogger
    {
        public void Publish(int level, Exception exception, string message) { }
    }

    public static class SourceLoggerExtensions
    {
        public static void Error(this SourceLogger logger, Exception exception, string message) => logger.Publish(4, exception, message);
        public static void Error<T>(this SourceLogger logger, Exception exception, string message, T parameter) => logger.Publish(4, exception, message);
    }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_logger_whose_Error_is_an_imported_extension_method_is_used(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + "using Library.Diagnostics;\n" + ExtensionLogger + Connection("    private readonly SourceLogger _logger;\n"),
                FixedUsings + "using Library.Diagnostics;\n" + ExtensionLogger + Connection("    private readonly SourceLogger _logger;\n", Reported(@"_logger.Error(ex, ""TLS close failed"");")),
                SwallowedCloseErrorFixer.DefaultKey, version);

        // A library's static logging facade (an EventSource behind static methods): ClientLog.Error(message, exception).
        private const string StaticFacade = @"
namespace Library.Logging
{
    static class ClientLog
    {
        public static void Warn(string message) { }
        public static void Error(string message, Exception ex) { }
        public static void Error(string message, Exception ex, params object[] args) { }
    }
}
";

        private const string CallsTheFacade = "    private void OnWriteFailed(Exception e) => ClientLog.Error(\"write loop crashed\", e);\n";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_static_logging_class_the_type_already_calls_is_used(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + "using Library.Logging;\n" + StaticFacade + Connection(CallsTheFacade),
                FixedUsings + "using Library.Logging;\n" + StaticFacade + Connection(CallsTheFacade, Reported(@"ClientLog.Error(""TLS close failed"", ex);")),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_static_logging_class_the_type_never_calls_is_not_used(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + "using Library.Logging;\n" + StaticFacade + Connection("    private void OnWriteFailed(Exception e) => ClientLog.Warn(\"write loop crashed\");\n"),
                "using System;\nusing System.Diagnostics;\nusing System.Net.Security;\nusing CloseNotify;\nusing Library.Logging;\n" + StaticFacade
                    + Connection("    private void OnWriteFailed(Exception e) => ClientLog.Warn(\"write loop crashed\");\n", Reported(@"Trace.TraceError(""TLS close failed: {0}"", ex);")),
                SwallowedCloseErrorFixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_member_that_is_not_a_logger_is_not_called(LanguageVersion version) =>
            Verify.CodeFixAsync(
                Usings + Connection("    private readonly Action<Exception> _onError;\n    private readonly Exception _lastError;\n"),
                "using System;\nusing System.Diagnostics;\nusing System.Net.Security;\nusing CloseNotify;\n" + Connection("    private readonly Action<Exception> _onError;\n    private readonly Exception _lastError;\n", Reported(@"Trace.TraceError(""TLS close failed: {0}"", ex);")),
                SwallowedCloseErrorFixer.DefaultKey, version);
    }
}
