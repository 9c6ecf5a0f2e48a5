using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Where TLS001 reports a disposal, for TLS003 (issue 25): a plain dispose that TLS001 reports sends nothing (no
    /// close_notify, so no TLS close error), and TLS001's fix replaces it with a close that never throws; a catch around it
    /// has nothing of the close to swallow. TLS001's own answer is used, not a copy of its reasoning: its walk of the
    /// method's own locals, and its compilation-end findings (<see cref="CompilationFlow.AcrossMethodsDiagnostics"/>,
    /// computed once whichever rule asks first).
    /// </summary>
    internal sealed class Tls001Sites
    {
        private readonly CompilationFlow _flow;
        private readonly ConcurrentDictionary<SyntaxNode, HashSet<TextSpan>> _localSites = new ConcurrentDictionary<SyntaxNode, HashSet<TextSpan>>();
        private HashSet<(SyntaxTree, TextSpan)>? _acrossSites;

        public Tls001Sites(CompilationFlow flow) => _flow = flow;

        /// <summary>
        /// Does TLS001 report <paramref name="disposal"/> (a Dispose/Close call or a using) of <paramref name="receiver"/>?
        /// Without <paramref name="acrossMethods"/> (a member analyzed alone) only the method's own locals and its
        /// SslStream parameters are answered; the rest is <see cref="Verdict.Unknown"/>.
        /// </summary>
        public Verdict Reports(IOperation disposal, IOperation? receiver, ISymbol owner, bool acrossMethods, CancellationToken cancellationToken = default)
        {
            var root = OperationHelpers.RootOf(disposal);
            var symbol = OperationHelpers.ReferencedSymbol(receiver);
            if (symbol is ILocalSymbol local && IsOwnedLocal(root, local))
            {
                return Matches(LocalSites(root, owner, cancellationToken), disposal) ? Verdict.Yes : Verdict.No;
            }

            if (!acrossMethods)
            {
                // A handler that authenticates (or reads, writes) the SslStream it is given and disposes it is TLS001's
                // parameter shape; one that only disposes what it is given is not. (The rest needs the whole compilation.)
                return symbol is IParameterSymbol parameter && _flow.Symbols.IsSslStream(parameter.Type)
                    ? (UsedBefore(parameter, disposal, root) ? Verdict.Yes : Verdict.No)
                    : Verdict.Unknown;
            }

            var across = _acrossSites ??= new HashSet<(SyntaxTree, TextSpan)>(
                _flow.AcrossMethodsDiagnostics(cancellationToken).Select(d => (d.Location.SourceTree!, d.Location.SourceSpan)));
            return across.Any(site => site.Item1 == disposal.Syntax.SyntaxTree && Within(site.Item2, disposal)) ? Verdict.Yes : Verdict.No;
        }

        /// <summary>Does TLS001 report the call itself (a helper of the compilation that disposes the stream it is given)?</summary>
        public bool ReportsAt(IInvocationOperation call, CancellationToken cancellationToken) =>
            Reports(call, receiver: null, call.TargetMethod, acrossMethods: true, cancellationToken) == Verdict.Yes;

        private bool IsOwnedLocal(IOperation root, ILocalSymbol local) =>
            LocalStreams.FindOwnedByFunction(_flow.Symbols, root).Values.Any(table => table.IndexOf(local) >= 0);

        private HashSet<TextSpan> LocalSites(IOperation root, ISymbol owner, CancellationToken cancellationToken) =>
            _localSites.GetOrAdd(root.Syntax, _ =>
            {
                var sites = new HashSet<TextSpan>();
                DisposedWithoutCloseNotifyAnalyzer.AnalyzeOwnLocals(_flow, owner, root, d => sites.Add(d.Location.SourceSpan), cancellationToken);
                return sites;
            });

        private static bool Matches(HashSet<TextSpan> sites, IOperation disposal) => sites.Any(site => Within(site, disposal));

        /// <summary>TLS001's site is the call as written (<c>_s?.Dispose()</c>, <c>await s.DisposeAsync()</c>), or, for a
        /// using, its declaration or an early exit inside it.</summary>
        private static bool Within(TextSpan site, IOperation disposal) =>
            (disposal is IInvocationOperation ? OperationHelpers.OutermostCallExpression(disposal).Syntax.Span : disposal.Syntax.Span).Contains(site);

        /// <summary>Authenticated, read or written before the disposal, and not closed (ShutdownAsync, the runtime) before it.</summary>
        private bool UsedBefore(IParameterSymbol parameter, IOperation disposal, IOperation root)
        {
            var used = false;
            foreach (var operation in root.Descendants())
            {
                if (operation is not IInvocationOperation invocation || invocation.Syntax.SpanStart >= disposal.Syntax.SpanStart)
                {
                    continue;
                }

                var method = invocation.TargetMethod;
                if (_flow.Symbols.IsRuntimeClose(method) && invocation.Arguments.Any(a => Is(a.Value, parameter)))
                {
                    return false;
                }

                if (Is(OperationHelpers.ResolveReceiver(invocation.Instance), parameter))
                {
                    if (_flow.Symbols.ClosesReceiver(method))
                    {
                        return false;
                    }

                    used |= _flow.Symbols.IsUse(method);
                }
            }

            return used;
        }

        private static bool Is(IOperation? operation, IParameterSymbol parameter) =>
            SymbolEqualityComparer.Default.Equals(OperationHelpers.ReferencedSymbol(operation), parameter);
    }
}
