using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CloseNotify.Package.Tests
{
    /// <summary>Where each misuse in <c>Consumers/Misuse</c> must be reported: the position of an anchor text, found
    /// in the file itself so that editing a consumer source cannot silently move an expectation.</summary>
    public sealed record ExpectedDiagnostic(string Id, string File, string Anchor, IReadOnlyList<string>? Targets = null)
    {
        public static readonly IReadOnlyList<ExpectedDiagnostic> All = new[]
        {
            new ExpectedDiagnostic("TLS001", "Tls001Misuse.cs", "ssl = new SslStream(tcp.GetStream()))"),
            new ExpectedDiagnostic("TLS001", "Tls001Misuse.cs", "ssl.Dispose()"),
            new ExpectedDiagnostic("TLS002", "Tls002Misuse.cs", "stream.ShutdownAsync()"),
            new ExpectedDiagnostic("TLS002", "Tls002Misuse.cs", "SSL_shutdown(_ssl)"),
            new ExpectedDiagnostic("TLS003", "Tls003Misuse.cs", "catch"),
        };

        /// <summary>Where each misuse in <c>Consumers/Library</c> must be reported: everywhere, except the
        /// ShutdownAsync misuses, which that code has only where SslStream has ShutdownAsync.</summary>
        public static readonly IReadOnlyList<ExpectedDiagnostic> Library = new[]
        {
            new ExpectedDiagnostic("TLS001", "Upgrade.cs", "ssl = new SslStream(tcp.GetStream()))"),
            new ExpectedDiagnostic("TLS001", "Upgrade.cs", "ssl.Dispose()"),
            new ExpectedDiagnostic("TLS002", "NativeSession.cs", "SSL_shutdown(_ssl)"),
            new ExpectedDiagnostic("TLS002", "Shutdown.cs", "stream.ShutdownAsync()", Consumers.WithShutdownAsync),
            new ExpectedDiagnostic("TLS003", "Shutdown.cs", "catch", Consumers.WithShutdownAsync),
        };

        public bool AppliesTo(string target) => Targets == null || Targets.Contains(target);

        /// <summary>The 1-based line and column of the anchor, which must occur exactly once in the file.</summary>
        public (int Line, int Column) PositionIn(string directory)
        {
            var text = System.IO.File.ReadAllText(Path.Combine(directory, File)).Replace("\r\n", "\n");
            var index = text.IndexOf(Anchor, StringComparison.Ordinal);
            if (index < 0 || text.IndexOf(Anchor, index + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidOperationException($"The anchor '{Anchor}' must occur exactly once in {File}.");
            }

            var line = text.Take(index).Count(c => c == '\n') + 1;
            var column = index == 0 ? 1 : index - text.LastIndexOf('\n', index - 1);
            return (line, column);
        }

        public string KeyIn(string directory)
        {
            var (line, column) = PositionIn(directory);
            return $"{File}({line},{column}) {Id}";
        }

        public static IReadOnlyList<string> KeysIn(string directory, Func<ExpectedDiagnostic, bool>? where = null) =>
            KeysIn(All.Where(where ?? (_ => true)), directory);

        public static IReadOnlyList<string> KeysIn(IEnumerable<ExpectedDiagnostic> expected, string directory) =>
            expected.Select(e => e.KeyIn(directory)).OrderBy(k => k, StringComparer.Ordinal).ToList();
    }
}
