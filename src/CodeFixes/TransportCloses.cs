using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// Whether the transport under the TLS stream may already be closed where a fix would put the close: a socket,
    /// <c>TcpClient</c> or <c>NetworkStream</c> closed, shut down or disposed, an inner stream of an SslStream of the
    /// same type disposed, or a pipe completed (which disposes the stream it was made over), in a statement that runs
    /// before the site in the same function. A close_notify written after that cannot reach the peer: the fix is not
    /// offered, and TLS004 (which reports the transport close) puts the close before it.
    /// </summary>
    internal static class TransportCloses
    {
        private static readonly string[] TransportTypes =
        {
            "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient", "System.Net.Sockets.NetworkStream",
        };

        private static readonly string[] PipeTypes = { "System.IO.Pipelines.PipeReader", "System.IO.Pipelines.PipeWriter" };

        public static bool Before(SemanticModel model, StatementSyntax site, ISymbol target) => Closes(model, Preceding(site), site, target);

        /// <summary>Whether <paramref name="statement"/> itself closes the transport (the last statement of a scope whose
        /// end is the disposal).</summary>
        public static bool In(SemanticModel model, StatementSyntax statement) => Closes(model, new[] { statement }, statement, null);

        private static bool Closes(SemanticModel model, IEnumerable<StatementSyntax> statements, StatementSyntax site, ISymbol? target)
        {
            var transports = TransportTypes.Select(model.Compilation.GetTypeByMetadataName).Where(t => t != null).ToList();
            var pipes = PipeTypes.Select(model.Compilation.GetTypeByMetadataName).Where(t => t != null).ToList();
            HashSet<ISymbol>? inner = null;
            foreach (var statement in statements)
            {
                foreach (var invocation in Invocations(model, statement))
                {
                    var method = invocation.TargetMethod;
                    var receiver = invocation.Instance?.Type;
                    if (receiver == null || invocation.Instance is IInstanceReferenceOperation)
                    {
                        continue;
                    }

                    if (method.Name is "Close" or "Dispose" or "DisposeAsync" or "Shutdown" or "Disconnect" or "DisconnectAsync"
                        && transports.Any(t => SymbolTests.DerivesFrom(receiver, t!)))
                    {
                        return true;
                    }

                    if (method.Name is "Complete" or "CompleteAsync" && pipes.Any(t => SymbolTests.DerivesFrom(receiver, t!)))
                    {
                        return true;
                    }

                    if (method.Name is "Close" or "Dispose" or "DisposeAsync" && SymbolTests.Referenced(invocation.Instance) is { } disposed
                        && !SymbolEqualityComparer.Default.Equals(disposed, target)
                        && (inner ??= InnerStreams(model, site)).Contains(disposed))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The statements that run before <paramref name="site"/> in its function: earlier statements of each
        /// enclosing block, up to the function's body.</summary>
        private static IEnumerable<StatementSyntax> Preceding(StatementSyntax site)
        {
            SyntaxNode current = site;
            while (current.Parent != null && current is not (MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                if (current.Parent is BlockSyntax block && current is StatementSyntax statement)
                {
                    foreach (var earlier in block.Statements.TakeWhile(s => s != statement))
                    {
                        yield return earlier;
                    }
                }
                else if (current.Parent is SwitchSectionSyntax section && current is StatementSyntax inSection)
                {
                    foreach (var earlier in section.Statements.TakeWhile(s => s != inSection))
                    {
                        yield return earlier;
                    }
                }

                current = current.Parent;
            }
        }

        /// <summary>The invocations a statement runs itself (not those of lambdas or local functions it declares).</summary>
        private static IEnumerable<IInvocationOperation> Invocations(SemanticModel model, StatementSyntax statement)
        {
            if (statement is LocalFunctionStatementSyntax || model.GetOperation(statement) is not { } operation)
            {
                return Enumerable.Empty<IInvocationOperation>();
            }

            return Walk(operation);

            static IEnumerable<IInvocationOperation> Walk(IOperation operation)
            {
                foreach (var child in operation.ChildOperations)
                {
                    if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        continue;
                    }

                    if (child is IInvocationOperation invocation)
                    {
                        yield return invocation;
                    }

                    foreach (var nested in Walk(child))
                    {
                        yield return nested;
                    }
                }
            }
        }

        /// <summary>The symbols given as the inner stream to an SslStream made in the site's type.</summary>
        private static HashSet<ISymbol> InnerStreams(SemanticModel model, SyntaxNode site)
        {
            var found = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var type = model.GetEnclosingSymbol(site.SpanStart)?.ContainingType;
            var sslStream = model.Compilation.GetTypeByMetadataName("System.Net.Security.SslStream");
            if (type == null || sslStream == null)
            {
                return found;
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var typeModel = reference.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(reference.SyntaxTree);
                foreach (var creation in reference.GetSyntax().DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
                {
                    if (typeModel.GetOperation(creation) is IObjectCreationOperation { Type: { } created, Arguments.Length: > 0 } operation
                        && SymbolTests.DerivesFrom(created, sslStream)
                        && operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is { } innerValue
                        && SymbolTests.Referenced(innerValue) is { } innerSymbol)
                    {
                        found.Add(innerSymbol);
                    }
                }
            }

            return found;
        }
    }
}
