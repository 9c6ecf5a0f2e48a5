// TLS004 fix: close the TLS stream before its transport. With the runtime: the graceful close awaited in async code
// (close_notify, bounded drain), TlsClose.Notify elsewhere and for members (no drain, null-safe, never throws). Without it:
// ShutdownAsync (awaited, or written within 250 ms) then Dispose, where every target framework of the file has
// ShutdownAsync; Dispose alone where one does not (netstandard2.0, net462).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloseNotify.Analyzers;
using CloseNotify.CodeFixes.LinkedFiles;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CloseNotify.CodeFixes
{
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TransportClosedUnderTlsFixer))]
    [Shared]
    public sealed class TransportClosedUnderTlsFixer : CodeFixProvider
    {
        public const string CloseFirstKey = "TLS004.CloseTlsFirst";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.TransportClosedUnderTls);

        public override FixAllProvider GetFixAllProvider() => LinkedFileFixAllProvider.ForDocuments(async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (Plan(context.Document, root, model, SyntaxGenerator.GetGenerator(context.Document), diagnostic, context.CancellationToken) is not { } plan)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create($"Close '{plan.Target}' before its transport", ct => ApplyAsync(document, ImmutableArray.Create(diagnostic), ct), CloseFirstKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var insertion = new StatementInsertion();
            var closed = new HashSet<(SyntaxNode Member, string Target)>();
            var redundant = new HashSet<StatementSyntax>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                // Two transports closed in a row (the stream, then the client) need the TLS stream closed once, before the first.
                if (Plan(document, editor.OriginalRoot, editor.SemanticModel, editor.Generator, diagnostic, cancellationToken) is { } plan && closed.Add((plan.Member, plan.Target)))
                {
                    foreach (var statement in plan.Close)
                    {
                        insertion.Before(plan.Anchor, statement);
                    }

                    if (plan.Redundant != null)
                    {
                        redundant.Add(plan.Redundant);
                    }
                }
            }

            insertion.ApplyTo(editor);
            foreach (var statement in redundant)
            {
                editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
            }

            return await CodeFixCleanup.AddImportsAndFormatAsync(document, editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        private sealed class ClosePlan
        {
            public ClosePlan(StatementSyntax anchor, SyntaxNode member, string target, IReadOnlyList<StatementSyntax> close, StatementSyntax? redundant)
            {
                Anchor = anchor;
                Member = member;
                Target = target;
                Close = close;
                Redundant = redundant;
            }

            public StatementSyntax Anchor { get; }

            public SyntaxNode Member { get; }

            /// <summary>The TLS stream as the fix writes it: <c>ssl</c>, <c>_ssl</c>, <c>session.Ssl</c>.</summary>
            public string Target { get; }

            public IReadOnlyList<StatementSyntax> Close { get; }

            /// <summary>A disposal of the same stream later in the block, which the inserted close makes redundant.</summary>
            public StatementSyntax? Redundant { get; }
        }

        private static ClosePlan? Plan(Document document, SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(TransportClosedUnderTlsAnalyzer.NameProperty, out var name) || name == null)
            {
                return null;
            }

            // A transport disposed at the end of its using is reported at its declaration: there is no call to put the close
            // in front of (the TLS stream does not exist yet where the transport is declared).
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is VariableDeclaratorSyntax)
            {
                return null;
            }

            var anchor = node.FirstAncestorOrSelf<StatementSyntax>();
            var member = node.FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
            if (anchor == null || member == null || !StatementInsertion.CanInsertBefore(anchor)
                || anchor.Ancestors().TakeWhile(a => a != member).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                return null;
            }

            var isMember = properties[TransportClosedUnderTlsAnalyzer.EntityProperty] == "Field";
            var typed = properties[TransportClosedUnderTlsAnalyzer.TypedProperty] == "SslStream";
            var instance = properties.TryGetValue(TransportClosedUnderTlsAnalyzer.InstanceProperty, out var instanceName) ? instanceName : null;
            if (Target(model, node, anchor, name, isMember, instance) is not { } stream)
            {
                return null;
            }

            var isAsync = AsyncContext.AllowsAwait(anchor);
            var configureAwait = isAsync && AsyncContext.UsesConfigureAwaitFalse(anchor);
            var redundant = instance == null ? RedundantDisposal(model, anchor, stream) : null;

            // The code's intent, as the TLS001 fix reads it (a reset, a Dispose(bool) branch, a reconnect). A method the code
            // also calls from a catch block keeps the graceful close: an abort there would drop close_notify from its
            // normal closes too, and Notify costs a dead connection nothing.
            var intent = CloseIntent.Of(model, anchor, Referenced(model, stream, anchor.SpanStart));

            // With the runtime, the TLS001 fixes' own call (CloseStatements): the graceful close awaited in async code;
            // elsewhere, and for a member that may be null where the transport is closed, Notify (close_notify within a
            // short bound, no drain, null accepted, never throws; TLS001 sees a TLS close, not a bare Dispose).
            var closes = new CloseStatements(model.Compilation, generator);
            if (closes.TlsClose != null)
            {
                var canAwait = isAsync && !isMember;
                var close = RuntimeClose(closes, intent, stream, canAwait, configureAwait, guard: isMember);
                return new ClosePlan(Outside(anchor, neverThrows: !canAwait || intent.Kind == IntentKind.Abort), member, stream.ToString(), new[] { close }, redundant);
            }

            // Without the runtime there is no abort to write (as for TLS001): no fix where the code means one.
            if (intent.Kind is IntentKind.Abort or IntentKind.Split)
            {
                return null;
            }

            var dispose = isMember
                ? ExpressionStatement(ConditionalAccessExpression(stream, InvocationExpression(MemberBindingExpression(IdentifierName("Dispose")))))
                : ExpressionStatement(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, stream, IdentifierName("Dispose"))));

            // netstandard2.0 and net462 reference surfaces have no ShutdownAsync: no fix for a line a file also builds for
            // one of them (as TLS001). A Dispose alone before the transport sends nothing (SslStream.Dispose writes no
            // close_notify on any framework) and would only silence the report (StackExchange.Redis, issue 25).
            if (!ShutdownAvailability.Everywhere(document, model.Compilation, anchor.Span))
            {
                return null;
            }

            // Cleanup decided across the compilation (a method called from a catch or a callback too): no throw path there.
            var cleanup = AsyncContext.IsCleanup(anchor, model, cancellationToken);
            var error = FreshNames.Exception(model, anchor);
            StatementSyntax send;
            if (typed)
            {
                var shutdown = closes.BclClose(stream, isAsync, configureAwait, cleanup, error);
                send = isMember ? CloseStatements.IfNotNull(stream, Block(shutdown)) : shutdown.Count == 1 ? shutdown[0] : Block(shutdown);
            }
            else
            {
                // A Stream-typed holder: only an SslStream has a close_notify to send.
                var local = FreshNames.Unique(model, anchor, "ssl");
                send = closes.IfSslStream(stream, local, closes.BclClose(IdentifierName(local), isAsync, configureAwait, cleanup, error));
            }

            // The BCL close lets a non-benign error through except in cleanup code, where it is reported: only then may it
            // leave a try that swallowed what the transport close raised.
            return new ClosePlan(Outside(anchor, neverThrows: cleanup), member, stream.ToString(), new[] { send, dispose }, redundant);
        }

        /// <summary>The runtime's close by the code's intent: graceful (awaited where the code can await, else Notify), an
        /// abort, or graceful on the normal branch and an abort on the other; a member null-tested where the call needs it.</summary>
        private static StatementSyntax RuntimeClose(CloseStatements closes, CloseIntent intent, ExpressionSyntax stream, bool canAwait, bool configureAwait, bool guard)
        {
            StatementSyntax close;
            switch (intent.Kind)
            {
                case IntentKind.Abort:
                    close = ExpressionStatement(closes.RuntimeCall(stream, graceful: false, canAwait, configureAwait));
                    break;
                case IntentKind.Split:
                    close = closes.Split(stream, intent, canAwait, configureAwait);
                    break;
                default:
                    // Notify accepts null: no test.
                    return ExpressionStatement(closes.RuntimeCall(stream, graceful: true, canAwait, configureAwait));
            }

            return guard ? CloseStatements.IfNotNull(stream, close) : close;
        }

        /// <summary>
        /// Where a close that never throws goes: before the try whose block the transport close begins
        /// (<c>try { socket.Shutdown(SocketShutdown.Both); } catch { }</c>), not into that block, where its catch-all would
        /// look like a swallowed TLS close error (TLS003) and the close would share the fate of the transport's errors. A
        /// close that may throw stays inside: moving it out would open a throw path the try closed.
        /// </summary>
        private static StatementSyntax Outside(StatementSyntax anchor, bool neverThrows)
        {
            while (neverThrows && anchor.Parent is BlockSyntax { Parent: TryStatementSyntax { Catches.Count: > 0 } tryStatement } block
                && block.Statements.FirstOrDefault() == anchor && StatementInsertion.CanInsertBefore(tryStatement)
                && !tryStatement.ContainsDirectives)
            {
                anchor = tryStatement;
            }

            return anchor;
        }

        /// <summary>
        /// The TLS stream as an expression at <paramref name="anchor"/>: the local or parameter, the member (<c>this.</c>
        /// when a local shadows it), or the member of the instance whose transport is closed (<c>session.Ssl</c> for
        /// <c>session.Socket.Shutdown(...)</c>). Null when the member cannot be reached from there (private to another
        /// type): then no fix is offered.
        /// </summary>
        private static ExpressionSyntax? Target(SemanticModel model, SyntaxNode node, StatementSyntax anchor, string name, bool isMember, string? instance)
        {
            if (instance != null)
            {
                var holder = node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().FirstOrDefault(i => i.Identifier.ValueText == instance
                    && model.GetSymbolInfo(i).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol);
                return holder != null && model.GetTypeInfo(holder).Type is { } holderType && model.LookupSymbols(anchor.SpanStart, holderType, name).Any(s => s is IFieldSymbol or IPropertySymbol)
                    ? MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, holder.WithoutTrivia(), IdentifierName(name))
                    : null;
            }

            if (!isMember)
            {
                return IdentifierName(name);
            }

            var found = model.LookupSymbols(anchor.SpanStart, name: name).FirstOrDefault();
            if (found is IFieldSymbol or IPropertySymbol)
            {
                return IdentifierName(name);
            }

            // Shadowed by a local or parameter: this.name, when the member is reachable from here.
            var type = model.GetEnclosingSymbol(anchor.SpanStart)?.ContainingType;
            return type != null && model.LookupSymbols(anchor.SpanStart, type, name).Any(s => s is IFieldSymbol or IPropertySymbol)
                ? MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ThisExpression(), IdentifierName(name))
                : null;
        }

        /// <summary>A later statement of the anchor's block that only disposes the same stream (<c>_ssl?.Dispose();</c>,
        /// <c>await ssl.DisposeAsync();</c>): the inserted close disposes it already.</summary>
        private static StatementSyntax? RedundantDisposal(SemanticModel model, StatementSyntax anchor, ExpressionSyntax stream)
        {
            if (anchor.Parent is not BlockSyntax block)
            {
                return null;
            }

            if (Referenced(model, stream, anchor.SpanStart) is not { } target)
            {
                return null;
            }

            foreach (var statement in block.Statements.SkipWhile(s => s != anchor).Skip(1))
            {
                if (statement is ExpressionStatementSyntax { Expression: var expression } && Disposed(expression) is { } disposed
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(disposed).Symbol, target))
                {
                    return statement;
                }

                // Assigned or passed along in between: the later disposal may concern another stream.
                if (statement.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == target.Name))
                {
                    return null;
                }
            }

            return null;
        }

        /// <summary>The symbol a fix's target names (a new node: not in the tree, so looked up by name).</summary>
        private static ISymbol? Referenced(SemanticModel model, ExpressionSyntax stream, int position)
        {
            switch (stream)
            {
                case IdentifierNameSyntax identifier:
                    return model.LookupSymbols(position, name: identifier.Identifier.ValueText).FirstOrDefault();
                case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member }:
                    var type = model.GetEnclosingSymbol(position)?.ContainingType;
                    return type == null ? null : model.LookupSymbols(position, type, member.Identifier.ValueText).FirstOrDefault();
                default:
                    return null;
            }
        }

        /// <summary>The expression disposed by <c>x.Dispose()</c>, <c>x?.Close()</c>, <c>await x.DisposeAsync()</c>.</summary>
        private static ExpressionSyntax? Disposed(ExpressionSyntax expression)
        {
            if (expression is AwaitExpressionSyntax awaited)
            {
                expression = awaited.Expression;
            }

            if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var inner } })
            {
                expression = inner;
            }

            return expression switch
            {
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose" or "Close" or "DisposeAsync" } access, ArgumentList.Arguments.Count: 0 } => access.Expression,
                ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Dispose" or "Close" or "DisposeAsync" }, ArgumentList.Arguments.Count: 0 } } conditional => conditional.Expression,
                _ => null,
            };
        }
    }
}
