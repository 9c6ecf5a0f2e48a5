using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>What the flow model adds to a walk of one type's method: callees that close or dispose what they are
    /// given, subclasses that close themselves, and which origins a disposal may still concern.</summary>
    internal sealed class AcrossEffects : FlowEffects
    {
        private readonly CompilationFlow _flow;
        private readonly FlowModel _model;
        private readonly INamedTypeSymbol _type;
        private readonly EntityTable _entities;
        private readonly CancellationToken _cancellationToken;

        public AcrossEffects(CompilationFlow flow, FlowModel model, INamedTypeSymbol type, EntityTable entities, CancellationToken cancellationToken)
            : base(flow.Symbols)
        {
            _flow = flow;
            _model = model;
            _type = type;
            _entities = entities;
            _cancellationToken = cancellationToken;
        }

        public Func<IInvocationOperation, StreamState, StreamState>? OwnCall { get; set; }

        /// <summary>Fields, properties and parameters start open when a stream they may hold is used somewhere, except the
        /// <paramref name="stale"/> ones (a field that can only hold what a failed connect left, <see cref="StaleFields"/>).</summary>
        public StreamState EntryState(ulong stale)
        {
            ulong open = 0;
            for (var i = 0; i < _entities.Entities.Count; i++)
            {
                var entity = _entities.Entities[i];
                if ((stale & (1UL << i)) == 0 && entity is not ILocalSymbol && Array.Exists(_model.OriginsOf(entity), _model.IsUsed))
                {
                    open |= 1UL << i;
                }
            }

            return new StreamState(open, 0);
        }

        public override StreamState OnOwnCall(IInvocationOperation call, StreamState state) => OwnCall?.Invoke(call, state) ?? state;

        public override ArgumentEffect EffectOf(IArgumentOperation argument, IMethodSymbol method)
        {
            if (argument.Parameter is not { } parameter)
            {
                return ArgumentEffect.None;
            }

            if (_flow.Sources.IsSource(method))
            {
                parameter = parameter.OriginalDefinition;
                if (_model.ClosesParameter(parameter))
                {
                    return ArgumentEffect.Close;
                }

                if (_model.DisposesParameter(parameter))
                {
                    // A parameter the callee can track reports there; a generic Dispose<T>(ref T) helper cannot.
                    return Symbols.CanHoldSslStream(parameter.Type) ? ArgumentEffect.Dispose : ArgumentEffect.DisposeHere;
                }

                // A handshake or protocol helper (await HandshakeAsync(ssl)): from here on the stream owes close_notify.
                return _model.UsesParameter(parameter) ? ArgumentEffect.Use : ArgumentEffect.None;
            }

            if (Symbols.IsStreamMethod(method))
            {
                return ArgumentEffect.Use;
            }

            // Handed to another assembly that may keep it (not a BCL owner: the alias analysis follows those).
            return Symbols.CanHoldSslStream(parameter.Type) && !Symbols.IsOwnerType(method.ContainingType) && !Symbols.IsPipeCreate(method)
                ? ArgumentEffect.Escape
                : ArgumentEffect.None;
        }

        public override bool DisposalCloses(int entity, IMethodSymbol? disposeMethod, IOperation? receiver, bool asynchronous)
        {
            if (_flow.SelfClosing.ClosesOnDisposal(OperationHelpers.StripConversions(receiver)?.Type, asynchronous, _cancellationToken))
            {
                return true;
            }

            var origins = _model.OriginsOf(_entities.Entities[entity]);
            return origins.Length > 0
                && Array.TrueForAll(origins, o => _flow.SelfClosing.ClosesOnDisposal(_model.Origins[o].Type, asynchronous, _cancellationToken));
        }

        public override bool ShouldReport(int entity, bool asynchronous) => ReportableOrigin(entity, asynchronous) >= 0;

        public override bool YieldsUsedStream(IOperation value, int item)
        {
            var nodes = new List<Node>();
            if (item < 0)
            {
                _flow.Sources.Add(value, nodes, _type);
            }
            else
            {
                Tuples.AddItem(_flow.Sources, value, item, nodes, _type);
            }

            return nodes.Exists(_model.YieldsUsedStream);
        }

        /// <summary>The message's clause: where the stream disposed there may come from.</summary>
        public string OriginClause(int entity)
        {
            var origin = ReportableOrigin(entity, asynchronous: false);
            return "it may hold " + (origin >= 0 ? _model.Origins[origin].Describe() : "an SslStream");
        }

        /// <summary>
        /// An origin the disposal may leave without close_notify: used somewhere (a local's use is tracked on its path),
        /// not a subclass that closes itself, and not closed in another type (whose close may come first: the model cannot
        /// order it, so nothing is claimed).
        /// </summary>
        private int ReportableOrigin(int entity, bool asynchronous)
        {
            var symbol = _entities.Entities[entity];
            foreach (var origin in _model.OriginsOf(symbol))
            {
                if ((symbol is ILocalSymbol || _model.IsUsed(origin))
                    && !_model.IsClosedOutside(origin, _type)
                    && !_flow.SelfClosing.ClosesOnDisposal(_model.Origins[origin].Type, asynchronous, _cancellationToken))
                {
                    return origin;
                }
            }

            return -1;
        }
    }
}
