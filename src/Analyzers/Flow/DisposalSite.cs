using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>How a tracked stream reaches its disposal; the fixer uses it to pick where to insert.</summary>
    internal enum DisposalKind
    {
        /// <summary>An explicit Dispose(), Close() or DisposeAsync() call.</summary>
        Call,

        /// <summary>The end of a using statement's body or of a using declaration's scope.</summary>
        ScopeEnd,

        /// <summary>A return, break or continue that leaves a using scope early.</summary>
        EarlyExit,
    }

    /// <summary>One place where a stream that may still be open is disposed.</summary>
    internal readonly struct DisposalSite
    {
        public DisposalSite(int entity, SyntaxNode syntax, DisposalKind kind, ISymbol? subject)
        {
            Entity = entity;
            Syntax = syntax;
            Kind = kind;
            Subject = subject;
        }

        public int Entity { get; }

        public SyntaxNode Syntax { get; }

        public DisposalKind Kind { get; }

        /// <summary>The symbol the code disposes there, when it is an alias of the entity (a cast, a reader over it).</summary>
        public ISymbol? Subject { get; }
    }
}
