using System.Collections.Generic;
using System.Linq;
using CloseNotify.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace CloseNotify.CodeFixes
{
    /// <summary>What a TLS001 fix writes.</summary>
    internal enum CloseMode
    {
        /// <summary>The runtime's graceful close: awaited GracefulAsync (bounded drain) or, where the code cannot await, Notify.</summary>
        Graceful,

        /// <summary>The runtime's abort.</summary>
        Abort,

        /// <summary>No runtime referenced: SslStream.ShutdownAsync, awaited or written within a short bound.</summary>
        Bcl,
    }

    /// <summary>Plans, for one TLS001 diagnostic, which close to write and where.</summary>
    internal static class CloseInsertion
    {
        public static bool TryPlan(SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic, CloseMode mode, StatementInsertion insertion)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.TargetProperty, out var name) || name == null
                || !properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.KindProperty, out var kind))
            {
                return false;
            }

            var statements = new CloseStatements(model.Compilation, generator);
            if (mode != CloseMode.Bcl && statements.TlsClose == null)
            {
                return false;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var isMember = properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.EntityProperty, out var entity) && entity is "Field" or "Property";
            var typedAsStream = properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.TypedProperty, out var typed) && typed == "Stream";
            var site = new CloseSite(model, node, name, isMember, typedAsStream, mode, statements);
            switch (kind)
            {
                case "Call":
                    return site.AtCall(insertion);
                case "EarlyExit":
                    if (node is not StatementSyntax exit || !StatementInsertion.CanInsertBefore(exit) || ReturnUses(exit, name))
                    {
                        return false;
                    }

                    return site.Before(exit, insertion);
                case "ScopeEnd":
                    return site.AtScopeEnd(insertion);
                default:
                    return false;
            }
        }

        /// <summary>A return whose value reads the stream must run before the close: inserting in front would change behaviour.</summary>
        private static bool ReturnUses(StatementSyntax exit, string name) =>
            exit is ReturnStatementSyntax { Expression: { } value }
            && value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name);
    }
}
