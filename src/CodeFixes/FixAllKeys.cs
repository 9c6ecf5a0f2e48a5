using System;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// The equivalence key a Fix All provider acts on. `dotnet format analyzers` (dotnet-format's SolutionCodeFixApplier)
    /// registers the fixes of the first diagnostic it holds for a rule, takes the key of the first action registered, and
    /// runs Fix All over the solution with it: null when that one diagnostic has no fix. A provider that then did nothing
    /// would leave every file unfixed while dotnet format prints "Formatted code file" and exits 0. So a missing or unknown
    /// key means the rule's default fix, and each fixer registers its default action first wherever it applies.
    /// </summary>
    internal static class FixAllKeys
    {
        /// <summary><paramref name="requested"/> when it names one of the rule's <paramref name="alternatives"/> (an IDE
        /// user's choice); otherwise <paramref name="defaultKey"/>.</summary>
        public static string Resolve(string? requested, string defaultKey, params string[] alternatives) =>
            requested != null && Array.IndexOf(alternatives, requested) >= 0 ? requested : defaultKey;
    }
}
