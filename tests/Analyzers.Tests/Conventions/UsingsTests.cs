// New using directives go where the file keeps its own: its order, its groups, its namespace, after global usings, and
// never into (or beside) an #if block, so that every target framework writes the same line.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using static CloseNotify.Analyzers.Tests.Conventions.LineEndingTests;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class UsingsTests
    {
        // A Dispose whose swallowed close gets the filter and a Trace catch: System.Diagnostics and CloseNotify are new.
        private const string Body = @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        catch
        {
        }
    }
}
";

        private const string FixedBody = @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait();
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, _ssl))
        {
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task An_alphabetical_file_stays_alphabetical(LanguageVersion version) => AssertFixAsync(@"using Microsoft.Win32;
using System;
using System.Net.Security;
", @"using CloseNotify;
using Microsoft.Win32;
using System;
using System.Diagnostics;
using System.Net.Security;
", version);

        // The file's header (a licence) is the first using's leading trivia: a new using that sorts first goes after it.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_new_first_using_goes_below_the_files_header(LanguageVersion version) => AssertFixAsync(@"// Licensed under the MIT license.
// See the LICENSE file in the project root for more information.

using Microsoft.Win32;
using System;
using System.Net.Security;
", @"// Licensed under the MIT license.
// See the LICENSE file in the project root for more information.

using CloseNotify;
using Microsoft.Win32;
using System;
using System.Diagnostics;
using System.Net.Security;
", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_file_with_a_group_per_root_namespace_gets_a_group_for_CloseNotify(LanguageVersion version) => AssertFixAsync(@"using System;
using System.Net.Security;

using Microsoft.Win32;

using Driver.Internal;
", @"using System;
using System.Diagnostics;
using System.Net.Security;

using CloseNotify;

using Microsoft.Win32;

using Driver.Internal;
", version, extra: "namespace Driver.Internal { class Marker { } }\n");

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp10), MemberType = typeof(LanguageVersions))]
        public Task New_usings_follow_the_global_usings(LanguageVersion version) => AssertFixAsync(@"global using System;
using System.Net.Security;
", @"global using System;
using System.Diagnostics;
using System.Net.Security;
using CloseNotify;
", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Usings_inside_the_namespace_get_the_new_ones_there(LanguageVersion version)
        {
            var actual = await DotnetFormatRun.FixAsync<SwallowedCloseErrorAnalyzer, SwallowedCloseErrorFixer>(@"namespace Driver
{
    using System;
    using System.Net.Security;
" + Indent(Body) + "}\n", version);
            AssertBytes(@"namespace Driver
{
    using System;
    using System.Diagnostics;
    using System.Net.Security;
    using CloseNotify;
" + Indent(FixedBody) + "}\n", actual);
        }

        // Usings inside the namespace that end with an alias (DotNetty's files): the new ones still go in, in order.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public async Task Usings_inside_the_namespace_ending_with_an_alias_get_the_new_ones_there(LanguageVersion version)
        {
            var actual = await DotnetFormatRun.FixAsync<SwallowedCloseErrorAnalyzer, SwallowedCloseErrorFixer>(@"namespace Driver
{
    using System;
    using System.Net.Security;
    using Completion = System.Threading.Tasks.TaskCompletionSource<int>;
" + Indent(Body) + "}\n", version);
            AssertBytes(@"namespace Driver
{
    using System;
    using System.Diagnostics;
    using System.Net.Security;
    using CloseNotify;
    using Completion = System.Threading.Tasks.TaskCompletionSource<int>;
" + Indent(FixedBody) + "}\n", actual);
        }

        [Theory]
        [MemberData(nameof(LanguageVersions.FromCSharp10), MemberType = typeof(LanguageVersions))]
        public Task A_file_scoped_namespace_keeps_its_usings_above_it(LanguageVersion version) => AssertFixAsync(@"using System;
using System.Net.Security;

namespace Driver;
", @"using System;
using System.Diagnostics;
using System.Net.Security;
using CloseNotify;

namespace Driver;
", version);

        // The usings end with an #if block (nats.net): a new using goes before it, not into it, and a namespace that the
        // file imports only under #if is not imported again: the new code names its type in full (no CS0105 in the
        // framework that has the conditional using, the same text in every framework).
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_conditional_using_block_is_left_alone(LanguageVersion version) =>
            AssertFixAsync(@"using System;
using System.Net.Security;
#if NETSTANDARD2_0
using System.Diagnostics;
#endif
", @"using System;
using System.Net.Security;
using CloseNotify;
#if NETSTANDARD2_0
using System.Diagnostics;
#endif
", version, trace: "System.Diagnostics.Trace");

        private static async Task AssertFixAsync(string usings, string fixedUsings, LanguageVersion version, string extra = "", string trace = "Trace")
        {
            var actual = await DotnetFormatRun.FixAsync<SwallowedCloseErrorAnalyzer, SwallowedCloseErrorFixer>(usings + Body + extra, version);
            AssertBytes(fixedUsings + FixedBody.Replace("Trace.TraceError", trace + ".TraceError") + extra, actual);
        }

        private static string Indent(string text) =>
            string.Join("\n", text.Split('\n')).Replace("\n", "\n    ").Replace("\n    \n", "\n\n").TrimEnd(' ');
    }
}
