using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>A scope the walk is inside of: what leaving it does (dispose using resources, run a finally, reach a loop's exit).</summary>
    internal abstract class WalkScope
    {
    }

    /// <summary>Resources disposed when control leaves a using statement or a block with using declarations.</summary>
    internal sealed class DisposalScope : WalkScope
    {
        public List<(int Entity, SyntaxNode Declarator, bool Asynchronous, ISymbol? Subject)> Resources { get; } = new List<(int, SyntaxNode, bool, ISymbol?)>();

        public void Add(int entity, SyntaxNode declarator, bool asynchronous, ISymbol? subject)
        {
            if (entity >= 0)
            {
                Resources.Add((entity, declarator, asynchronous, subject));
            }
        }
    }

    internal sealed class FinallyScope : WalkScope
    {
        public FinallyScope(IBlockOperation block) => Block = block;

        public IBlockOperation Block { get; }
    }

    /// <summary>A loop or switch: where break and continue go, with the states they carry there.</summary>
    internal sealed class TargetScope : WalkScope
    {
        private readonly ILabelSymbol? _exitLabel;
        private readonly ILabelSymbol? _continueLabel;

        public TargetScope(ILabelSymbol? exitLabel, ILabelSymbol? continueLabel)
        {
            _exitLabel = exitLabel;
            _continueLabel = continueLabel;
        }

        public StreamState? BreakState { get; private set; }

        public StreamState? ContinueState { get; private set; }

        public bool Owns(ILabelSymbol? label) =>
            label != null && (SymbolEqualityComparer.Default.Equals(label, _exitLabel) || SymbolEqualityComparer.Default.Equals(label, _continueLabel));

        public void Record(ILabelSymbol? label, StreamState? state)
        {
            if (SymbolEqualityComparer.Default.Equals(label, _exitLabel))
            {
                BreakState = StreamState.Join(BreakState, state);
            }
            else
            {
                ContinueState = StreamState.Join(ContinueState, state);
            }
        }
    }
}
