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
        /// <summary>The close planned into <paramref name="insertion"/>, or null when none can be written.</summary>
        public static CloseForm? TryPlan(SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic, CloseMode mode, FixEnvironment environment, StatementInsertion insertion, System.Threading.CancellationToken cancellationToken)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.TargetProperty, out var name) || name == null
                || !properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.KindProperty, out var kind))
            {
                return null;
            }

            var statements = new CloseStatements(model.Compilation, generator);
            if (mode != CloseMode.Bcl && statements.TlsClose == null)
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var origin = properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.OriginProperty, out var from) ? from : null;
            if (insertion.ClosedBefore(origin, node))
            {
                // Fix All: the close planned for an earlier disposal of the same stream in this block covers this one.
                return CloseForm.Covered;
            }

            var isMember = properties.TryGetValue(DisposedWithoutCloseNotifyAnalyzer.EntityProperty, out var entity) && entity is "Field" or "Property";
            if (isMember && CloseIntent.Rehandshakes(model, node, name))
            {
                return null;
            }

            var site = new CloseSite(model, node, name, isMember, new CloseForms(model, statements, mode, environment, insertion, cancellationToken));
            var planned = kind switch
            {
                "Call" => site.AtCall(insertion),
                "EarlyExit" => node is StatementSyntax exit && StatementInsertion.CanInsertBefore(exit) && site.Before(exit, insertion),
                "ScopeEnd" => site.AtScopeEnd(insertion),
                _ => false,
            };
            if (!planned)
            {
                return null;
            }

            insertion.NoteClosed(origin, node);
            return site.Form;
        }
    }
}
