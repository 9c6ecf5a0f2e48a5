using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// What the path-sensitive walk knows beyond the method it walks. The base class knows nothing more: a method's
    /// own locals (the local analysis). The compilation-wide analysis overrides it with what the flow model says of
    /// callees, other types and subclasses.
    /// </summary>
    /// <summary>What a call does to a tracked stream passed as an argument.</summary>
    internal enum ArgumentEffect
    {
        None,

        /// <summary>The callee reads or writes it (source.CopyTo(ssl)).</summary>
        Use,

        /// <summary>The callee closes it (its own ShutdownAsync, a configured closing method).</summary>
        Close,

        /// <summary>The callee disposes it and reports that itself.</summary>
        Dispose,

        /// <summary>The callee disposes it and cannot say so (a generic Dispose&lt;T&gt;(ref T) helper): the call is the site.</summary>
        DisposeHere,

        /// <summary>It goes to another assembly that may keep it. The walk goes on as before: a method that hands a stream
        /// over and still disposes it afterwards owns it (a registry or feature collection keeps only a reference).</summary>
        Escape,
    }

    internal class FlowEffects
    {
        public FlowEffects(KnownSymbols symbols) => Symbols = symbols;

        public KnownSymbols Symbols { get; }

        /// <summary>A call passes a tracked stream as an argument (the runtime's closes are handled before this).</summary>
        public virtual ArgumentEffect EffectOf(IArgumentOperation argument, IMethodSymbol method) => ArgumentEffect.None;

        /// <summary>A same-type call on this instance (the field analysis enters it).</summary>
        public virtual StreamState OnOwnCall(IInvocationOperation call, StreamState state) => state;

        /// <summary>Does this disposal send close_notify itself (a subclass whose Close or DisposeAsync override closes)?</summary>
        public virtual bool DisposalCloses(int entity, IMethodSymbol? disposeMethod, IOperation? receiver, bool asynchronous) => false;

        /// <summary>A disposal of an open stream was reached: report it?</summary>
        public virtual bool ShouldReport(int entity, bool asynchronous) => true;

        /// <summary>Does the value (or item <paramref name="item"/> of it, when it is a tuple) hand out a stream already used
        /// where it comes from, such as an upgrade helper that authenticated it? The symbol assigned it is then open.</summary>
        public virtual bool YieldsUsedStream(IOperation value, int item) => false;
    }
}
