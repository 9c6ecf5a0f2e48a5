// Whether code must not throw (cleanup and callback code), decided across the compilation rather than by the
// enclosing method's name: a Disconnect() that I/O callbacks call from their catch blocks is cleanup whatever it is
// called, and an error escaping it crashes the process (issue 25, class 1). TLS002 reads it to report unbounded waits
// there; the fixers read it so that no fix opens a throw path.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Says whether a piece of code is cleanup code: inside a catch or finally block, a <c>Dispose</c>,
    /// <c>Dispose(bool)</c>, <c>DisposeAsync</c> or finalizer, a cancellation callback, an event handler or an I/O
    /// callback — or in a method that such code calls, directly or through up to <see cref="MaxCallerDepth"/> levels
    /// of callers anywhere in the compilation. One instance per compilation (<see cref="For"/>); answers are cached.
    /// </summary>
    internal sealed partial class CleanupContext
    {
        /// <summary>How many levels of callers are searched: a disconnect helper called by a close helper called from a
        /// catch is two; past three the link to the cleanup is too weak to change what a fix writes.</summary>
        public const int MaxCallerDepth = 3;

        // Bounds on one question, so that a fixer stays fast under dotnet format's Fix All on a large project: the
        // references read per method, and the methods whose callers are searched.
        private const int MaxReferencesPerMethod = 64;
        private const int MaxMethodsPerQuestion = 32;

        private static readonly ConditionalWeakTable<Compilation, CleanupContext> Contexts = new ConditionalWeakTable<Compilation, CleanupContext>();

        private readonly Compilation _compilation;
        private readonly CallbackSymbols _callbacks;
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();
        private readonly ConcurrentDictionary<(IMethodSymbol Method, int Levels), CleanupReason?> _answers =
            new ConcurrentDictionary<(IMethodSymbol, int), CleanupReason?>(new MethodLevelsComparer());

        private CleanupContext(Compilation compilation)
        {
            _compilation = compilation;
            _callbacks = new CallbackSymbols(compilation);
        }

        /// <summary>The context of <paramref name="compilation"/> (one per compilation, shared by analyzers and fixers).</summary>
        public static CleanupContext For(Compilation compilation) => Contexts.GetValue(compilation, c => new CleanupContext(c));

        /// <summary>True when an error escaping <paramref name="node"/> would escape cleanup or callback code.</summary>
        public bool IsCleanup(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
            Find(node, model, cancellationToken) != null;

        /// <summary>Why <paramref name="node"/> is cleanup code, or null when it is not.</summary>
        public CleanupReason? Find(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
        {
            var local = Local(node, model, cancellationToken, out var method);
            if (local != null || method == null)
            {
                return local;
            }

            var budget = new Budget();
            return CallerReason(method, MaxCallerDepth, budget, cancellationToken)?.Through(method);
        }

        /// <summary>What the code around <paramref name="node"/> says by itself, up to its member; the member (a method
        /// that is not cleanup by itself) when its callers must be asked.</summary>
        private CleanupReason? Local(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken, out IMethodSymbol? method)
        {
            method = null;
            var child = node;
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case CatchClauseSyntax catchClause when child == catchClause.Block:
                        return new CleanupReason(CleanupKind.CatchBlock, MemberName(ancestor, model, cancellationToken));
                    case FinallyClauseSyntax:
                        return new CleanupReason(CleanupKind.FinallyBlock, MemberName(ancestor, model, cancellationToken));
                    case AnonymousFunctionExpressionSyntax function:
                        if (CallbackKind(function, model, cancellationToken) is { } kind)
                        {
                            return new CleanupReason(kind, MemberName(ancestor, model, cancellationToken));
                        }

                        // A lambda run where it is written (LINQ, a local helper) shares its surroundings.
                        break;
                    case LocalFunctionStatementSyntax localFunction:
                        if (LocalFunctionReason(localFunction, model, cancellationToken) is { } reason)
                        {
                            return reason;
                        }

                        break;
                    case DestructorDeclarationSyntax:
                        return new CleanupReason(CleanupKind.Finalizer, MemberName(ancestor, model, cancellationToken));
                    case MethodDeclarationSyntax declaration:
                        if (model.GetDeclaredSymbol(declaration, cancellationToken) is not { } symbol)
                        {
                            return null;
                        }

                        if (CleanupMember(symbol) is { } memberKind)
                        {
                            return new CleanupReason(memberKind, Display(symbol));
                        }

                        method = symbol;
                        return null;
                    case MemberDeclarationSyntax or GlobalStatementSyntax:
                        // Constructors, accessors, operators, top-level statements: not cleanup by themselves, and
                        // their callers are not searched (a property or a constructor is rarely a close path).
                        return null;
                }

                child = ancestor;
            }

            return null;
        }

        /// <summary>A local function passed as a callback, or called from cleanup code of its member.</summary>
        private CleanupReason? LocalFunctionReason(LocalFunctionStatementSyntax localFunction, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetDeclaredSymbol(localFunction, cancellationToken) is not IMethodSymbol symbol
                || localFunction.FirstAncestorOrSelf<MemberDeclarationSyntax>() is not { } member)
            {
                return null;
            }

            foreach (var name in member.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != symbol.Name || localFunction.Span.Contains(name.Span)
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, symbol))
                {
                    continue;
                }

                var reason = ReferenceReason(name, model, calls: true, cancellationToken, out _);
                if (reason != null)
                {
                    return reason;
                }
            }

            return null;
        }

        /// <summary>What one reference to a method says: a method group passed as a callback makes the method a
        /// callback; a call inside cleanup code makes it cleanup (only when <paramref name="calls"/>). <paramref name="caller"/>
        /// is the method holding a call whose own callers must be asked.</summary>
        private CleanupReason? ReferenceReason(SimpleNameSyntax name, SemanticModel model, bool calls, CancellationToken cancellationToken, out IMethodSymbol? caller)
        {
            caller = null;
            ExpressionSyntax expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access
                : name.Parent is MemberBindingExpressionSyntax binding ? binding
                : name;
            if (expression.Parent is InvocationExpressionSyntax invocation && invocation.Expression == expression)
            {
                return calls ? Local(invocation, model, cancellationToken, out caller) : null;
            }

            return CallbackKind(expression, model, cancellationToken) is { } kind
                ? new CleanupReason(kind, MemberName(expression, model, cancellationToken))
                : null;
        }

        /// <summary>Whether <paramref name="method"/> is a callback, or is called from cleanup code up to
        /// <paramref name="levels"/> levels of calls up (each caller on the way may be a callback itself).</summary>
        private CleanupReason? CallerReason(IMethodSymbol method, int levels, Budget budget, CancellationToken cancellationToken)
        {
            var key = (method.OriginalDefinition, levels);
            if (_answers.TryGetValue(key, out var cached))
            {
                return cached;
            }

            if (!budget.Enter(method, levels))
            {
                // A cycle or the bound of the question: the answer is not final, so it is not cached.
                return null;
            }

            var callers = new List<IMethodSymbol>();
            CleanupReason? found = null;
            foreach (var (name, model) in References(method, cancellationToken))
            {
                var reason = ReferenceReason(name, model, calls: levels > 0, cancellationToken, out var caller);
                if (reason != null)
                {
                    found = reason;
                    break;
                }

                if (caller != null && !callers.Contains(caller, SymbolEqualityComparer.Default))
                {
                    callers.Add(caller);
                }
            }

            // Nearest first: every direct call site is read before any caller's callers.
            for (var i = 0; found == null && i < callers.Count; i++)
            {
                found = CallerReason(callers[i], levels - 1, budget, cancellationToken)?.Through(callers[i]);
            }

            budget.Leave(method);
            if (found != null || !budget.Incomplete)
            {
                _answers.TryAdd(key, found);
            }

            return found;
        }

        /// <summary>The names in the compilation that refer to <paramref name="method"/> (or to a method it overrides or an
        /// interface member it implements, which a call may dispatch to it), at most <see cref="MaxReferencesPerMethod"/>.</summary>
        private IEnumerable<(SimpleNameSyntax Name, SemanticModel Model)> References(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var targets = Targets(method);
            var names = new HashSet<string>();
            foreach (var target in targets)
            {
                names.Add(target.Name);
            }

            var count = 0;
            foreach (var tree in _compilation.SyntaxTrees)
            {
                SemanticModel? model = null;
                foreach (var name in names.SelectMany(n => NameIndex.Names(tree, n, cancellationToken)))
                {
                    model ??= _models.GetOrAdd(tree, t => _compilation.GetSemanticModel(t));
                    var info = model.GetSymbolInfo(name, cancellationToken);
                    var symbol = info.Symbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] : null);
                    if (symbol is IMethodSymbol referenced && targets.Contains((referenced.ReducedFrom ?? referenced).OriginalDefinition))
                    {
                        yield return (name, model);
                        if (++count == MaxReferencesPerMethod)
                        {
                            yield break;
                        }
                    }
                }
            }
        }

        private static HashSet<IMethodSymbol> Targets(IMethodSymbol method)
        {
            var targets = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method.OriginalDefinition };
            for (var overridden = method.OverriddenMethod; overridden != null; overridden = overridden.OverriddenMethod)
            {
                targets.Add(overridden.OriginalDefinition);
            }

            foreach (var explicitImplementation in method.ExplicitInterfaceImplementations)
            {
                targets.Add(explicitImplementation.OriginalDefinition);
            }

            foreach (var @interface in method.ContainingType?.AllInterfaces ?? default)
            {
                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol candidate
                        && SymbolEqualityComparer.Default.Equals(method.ContainingType!.FindImplementationForInterfaceMember(candidate), method))
                    {
                        targets.Add(candidate.OriginalDefinition);
                    }
                }
            }

            return targets;
        }

        /// <summary>Members whose errors have nowhere to go: Dispose (the framework design guidelines: do not throw from
        /// it; a using hides the original error), DisposeAsync, a finalizer (an escaping error ends the process), an
        /// override of <c>Stream.Close()</c> (what <c>Stream.Dispose()</c> runs), and the methods named like them
        /// (<c>Dispose…</c>, <c>…Cleanup</c>: npgsql's connector relies on its Cleanup not throwing).</summary>
        private static CleanupKind? CleanupMember(IMethodSymbol method)
        {
            if (method.MethodKind == MethodKind.Destructor)
            {
                return CleanupKind.Finalizer;
            }

            for (var overridden = method.OverriddenMethod; overridden != null; overridden = overridden.OverriddenMethod)
            {
                if (overridden is { Name: "Close", Parameters.IsEmpty: true, ContainingType: { Name: "Stream", ContainingNamespace: { Name: "IO", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
                {
                    return CleanupKind.Dispose;
                }
            }

            foreach (var implemented in method.ExplicitInterfaceImplementations)
            {
                if (implemented.Name is "Dispose" or "DisposeAsync")
                {
                    return CleanupKind.Dispose;
                }
            }

            return method.Name.StartsWith("Dispose", StringComparison.Ordinal) || method.Name.EndsWith("Cleanup", StringComparison.OrdinalIgnoreCase)
                ? CleanupKind.Dispose
                : null;
        }

        /// <summary>How a delegate made of <paramref name="expression"/> (a lambda, an anonymous method, a method group)
        /// is used, when that makes it a callback whose errors escape to nobody.</summary>
        private CleanupKind? CallbackKind(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        {
            var current = expression;
            while (current.Parent is ParenthesizedExpressionSyntax || (current.Parent is CastExpressionSyntax cast && cast.Expression == current))
            {
                current = (ExpressionSyntax)current.Parent;
            }

            // new AsyncCallback(OnRead): the delegate is the creation.
            if (current.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: BaseObjectCreationExpressionSyntax creation } }
                && model.GetTypeInfo(creation, cancellationToken).Type is INamedTypeSymbol { TypeKind: TypeKind.Delegate })
            {
                current = creation;
            }

            if (_callbacks.KindOfDelegate(model.GetTypeInfo(current, cancellationToken).ConvertedType) is { } byType)
            {
                return byType;
            }

            switch (current.Parent)
            {
                case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }:
                    return model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method ? _callbacks.KindOfRegistration(method) : null;
                case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.AddAssignmentExpression) && assignment.Right == current:
                    return model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is IEventSymbol @event ? _callbacks.KindOfEvent(@event) : null;
                default:
                    return null;
            }
        }

        private static string MemberName(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
        {
            var member = node.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or BaseFieldDeclarationSyntax);
            var symbol = member switch
            {
                BaseFieldDeclarationSyntax field when field.Declaration.Variables.Count > 0 => model.GetDeclaredSymbol(field.Declaration.Variables[0], cancellationToken),
                null => null,
                _ => model.GetDeclaredSymbol(member, cancellationToken),
            };
            return symbol == null ? "top-level code" : Display(symbol);
        }

        private static string Display(ISymbol symbol) => symbol.ContainingType == null
            ? symbol.Name
            : symbol.ContainingType.Name + "." + symbol switch
            {
                IMethodSymbol { MethodKind: MethodKind.Destructor } => "~" + symbol.ContainingType.Name,
                IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => symbol.ContainingType.Name,
                _ => symbol.Name,
            };
    }
}
