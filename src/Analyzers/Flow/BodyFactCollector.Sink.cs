using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Where <see cref="BodyFactCollector"/> records what it reads: the body's facts, made at the first one.</summary>
    internal sealed partial class BodyFactCollector
    {
        private enum Kind
        {
            Use,
            Close,
            Dispose,
        }

        /// <summary>The facts of the body an operation belongs to, found (or made) at the first fact to record.</summary>
        private struct Sink
        {
            private readonly BodyFactCollector _collector;
            private readonly IOperation _operation;
            private BodyFacts? _facts;

            public Sink(BodyFactCollector collector, IOperation operation, ISymbol owner)
            {
                _collector = collector;
                _operation = operation;
                Owner = owner;
                _facts = null;
            }

            public ISymbol Owner { get; }

            public BodyFacts Facts => _facts ??= _collector._factsFor(_operation, Owner);

            /// <summary>For TLS004: the body closes a socket (another type's, maybe, under a TLS stream kept there).</summary>
            public void NoteSocketClose(KnownSymbols symbols, IOperation instance)
            {
                if (symbols.IsSocketLike(instance.Type))
                {
                    Facts.ClosesSocket = true;
                }
            }
        }
    }
}
