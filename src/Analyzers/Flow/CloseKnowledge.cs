using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>A three-valued answer: while a member is analyzed alone some questions wait for the whole compilation.</summary>
    internal enum Verdict : byte
    {
        No,
        Yes,

        /// <summary>Only the flow model (at the end of the compilation) can tell.</summary>
        Unknown,
    }

    /// <summary>
    /// What TLS003 knows about the code a try runs, the questions <see cref="CloseFinder"/> asks to decide whether the
    /// try can raise a TLS close error. Two answerers: <see cref="TlsStreamReferences"/> from one member and its type
    /// (live in the IDE; it says <see cref="Verdict.Unknown"/> where only the compilation can tell) and
    /// <see cref="CloseReach"/> from the TLS001 flow model at the end of the compilation (never unknown).
    /// </summary>
    internal abstract class CloseKnowledge
    {
        protected CloseKnowledge(KnownSymbols symbols, CloseTypes types)
        {
            Symbols = symbols;
            Types = types;
        }

        public KnownSymbols Symbols { get; }

        public CloseTypes Types { get; }

        /// <summary>Does the expression hold a TLS stream, or a BCL owner of one (a StreamWriter, a pipe over it)?</summary>
        public Verdict HoldsTls(IOperation? expression)
        {
            expression = OperationHelpers.StripConversions(expression);
            return expression == null ? Verdict.No : Symbols.IsSslStream(expression.Type) ? Verdict.Yes : HoldsTlsUntyped(expression);
        }

        /// <summary>Is the type one of the compilation's classes that keep a TLS stream (or an owner of one) in a field?</summary>
        public abstract Verdict IsOwner(ITypeSymbol? type);

        /// <summary>
        /// Does TLS001 report this disposal of a TLS stream? Then the dispose sends nothing (no close_notify, so no TLS
        /// close error either) and TLS001's fix replaces it: a catch around it swallows nothing of the close.
        /// </summary>
        public abstract Verdict Tls001Reports(IOperation disposal, IOperation? receiver);

        /// <summary>The same question for an expression not typed as an SslStream (conversions stripped).</summary>
        protected abstract Verdict HoldsTlsUntyped(IOperation expression);

        /// <summary>Can the end of a using over <paramref name="resource"/> (not a TLS stream) raise a TLS close error: an
        /// owner whose Dispose (DisposeAsync) does?</summary>
        public abstract (Verdict Raises, string? What) DisposalRaises(IOperation resource, bool asynchronous, int depth);

        /// <summary>Can a call into the compilation's code raise a TLS close error (what it closes, for the message)?</summary>
        public abstract (Verdict Raises, string? What) CallRaises(IInvocationOperation call, int depth);
    }
}
