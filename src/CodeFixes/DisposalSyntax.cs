using System.Linq;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes
{
    /// <summary>A disposal call as the code writes it: <c>x.Dispose()</c>, <c>x?.Close()</c>, <c>await x.DisposeAsync().ConfigureAwait(false)</c>.</summary>
    internal static class DisposalSyntax
    {
        public static bool IsDisposalCall(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText is "Dispose" or "DisposeAsync" or "Close",
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText is "Dispose" or "DisposeAsync" or "Close",
            _ => false,
        };

        /// <summary>The disposed expression (<c>x</c> of <c>x.Dispose()</c>, <c>x?.Dispose()</c>) and whether it is conditional.</summary>
        public static (ExpressionSyntax? Receiver, bool Conditional) ReceiverOf(InvocationExpressionSyntax invocation)
        {
            switch (invocation.Expression)
            {
                case MemberAccessExpressionSyntax access:
                    return (access.Expression, false);
                case MemberBindingExpressionSyntax:
                    var conditional = invocation.Ancestors().OfType<ConditionalAccessExpressionSyntax>().FirstOrDefault(c => c.WhenNotNull.Span.Contains(invocation.Span));
                    return (conditional?.Expression, conditional != null);
                default:
                    return (null, false);
            }
        }

        /// <summary>The disposal as a whole expression: through <c>?.</c>, ConfigureAwait and await.</summary>
        public static ExpressionSyntax WholeDisposal(InvocationExpressionSyntax invocation)
        {
            ExpressionSyntax current = invocation;
            while (true)
            {
                switch (current.Parent)
                {
                    case ConditionalAccessExpressionSyntax conditional when conditional.WhenNotNull == current:
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax } access when access.Expression == current:
                        current = current.Parent is MemberAccessExpressionSyntax m ? (ExpressionSyntax)m.Parent! : (ExpressionSyntax)current.Parent;
                        break;
                    case AwaitExpressionSyntax awaited:
                        current = awaited;
                        break;
                    default:
                        return current;
                }
            }
        }
    }
}
