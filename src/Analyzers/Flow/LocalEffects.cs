using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>The walk of one method's own locals: it knows only the method, and which subclasses close themselves.</summary>
    internal sealed class LocalEffects : FlowEffects
    {
        private readonly SelfClosingTypes _selfClosing;
        private readonly Func<int, ITypeSymbol?> _createdType;
        private readonly EntityTable _entities;
        private readonly CancellationToken _cancellationToken;

        // createdType: the type a local's stream was created as, when the method shows it.
        public LocalEffects(KnownSymbols symbols, SelfClosingTypes selfClosing, EntityTable entities, Func<int, ITypeSymbol?> createdType, CancellationToken cancellationToken)
            : base(symbols)
        {
            _selfClosing = selfClosing;
            _entities = entities;
            _createdType = createdType;
            _cancellationToken = cancellationToken;
        }

        public override ArgumentEffect EffectOf(Microsoft.CodeAnalysis.Operations.IArgumentOperation argument, IMethodSymbol method) =>
            Symbols.IsStreamMethod(method) ? ArgumentEffect.Use : ArgumentEffect.None;

        public override bool DisposalCloses(int entity, IMethodSymbol? disposeMethod, IOperation? receiver, bool asynchronous) =>
            _selfClosing.ClosesOnDisposal(OperationHelpers.StripConversions(receiver)?.Type, asynchronous, _cancellationToken)
            || _selfClosing.ClosesOnDisposal(ValueSources.TypeOf(_entities.Entities[entity]), asynchronous, _cancellationToken)
            || _selfClosing.ClosesOnDisposal(_createdType(entity), asynchronous, _cancellationToken);
    }
}
