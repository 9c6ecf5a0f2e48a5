using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Which methods <see cref="CloseReach"/> needs to bind again at the end of the compilation (about a millisecond a body,
    /// most of TLS003's cost there, issue 26): only one whose syntax names a close, or calls a method of that name that
    /// does, within the calls the reach still follows. A necessary condition, never a verdict: every close
    /// <see cref="CloseFinder"/> can find is a call named Dispose, Close, DisposeAsync, Complete(Async), ShutdownAsync, a
    /// runtime close or an SSL_shutdown import, or a using; every call it follows runs a method of the compilation with the
    /// invoked name (overrides and implementations share it). A method the test rejects is answered "raises nothing"
    /// without its body; what the body would have answered is the same.
    /// </summary>
    internal sealed class CloseCandidates
    {
        private readonly HashSet<string> _closeNames = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "Dispose", "Close", "DisposeAsync", "Complete", "CompleteAsync", "ShutdownAsync", CloseFinder.OpenSslShutdownEntryPoint, "TlsClose", "OpenSslShutdown",
        };

        private readonly Dictionary<string, List<IMethodSymbol>> _methodsByName = new Dictionary<string, List<IMethodSymbol>>(System.StringComparer.Ordinal);
        private readonly Dictionary<SyntaxNode, BodyNames> _bodies = new Dictionary<SyntaxNode, BodyNames>();
        private readonly Dictionary<(SyntaxNode, int), bool> _bodyAnswers = new Dictionary<(SyntaxNode, int), bool>();
        private readonly Dictionary<(string, int), bool> _nameAnswers = new Dictionary<(string, int), bool>();
        private readonly CancellationToken _cancellationToken;

        public CloseCandidates(KnownSymbols symbols, Compilation compilation, IEnumerable<INamedTypeSymbol> sourceTypes, CancellationToken cancellationToken)
        {
            _cancellationToken = cancellationToken;

            // The runtime's closes are called by their own names (TlsClose.Graceful, an extension's ssl.NotifyAsync()).
            AddMemberNames(symbols.TlsClose);
            AddMemberNames(compilation.GetTypeByMetadataName("CloseNotify.OpenSslShutdown"));
            foreach (var type in sourceTypes)
            {
                if (type.Name == "OpenSslShutdown")
                {
                    AddMemberNames(type);
                }

                foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                {
                    if (method.MethodKind is MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation)
                    {
                        var name = SimpleName(method);
                        if (!_methodsByName.TryGetValue(name, out var methods))
                        {
                            _methodsByName[name] = methods = new List<IMethodSymbol>();
                        }

                        methods.Add(method);
                        if ((method.IsExtern || method.IsPartialDefinition) && KnownSymbols.IsNativeImport(method, CloseFinder.OpenSslShutdownEntryPoint))
                        {
                            _closeNames.Add(name);
                        }
                    }
                }
            }
        }

        /// <summary>May the method's body raise a close error with <paramref name="callsLeft"/> more calls followed from it?</summary>
        public bool MayClose(IMethodSymbol method, int callsLeft)
        {
            method = method.PartialImplementationPart ?? method;

            // A local function may call its siblings, whose names no member index holds: its body is always read.
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                return true;
            }

            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (BodyMayClose(reference.GetSyntax(_cancellationToken), callsLeft))
                {
                    return true;
                }
            }

            return false;
        }

        private bool BodyMayClose(SyntaxNode body, int callsLeft)
        {
            if (_bodyAnswers.TryGetValue((body, callsLeft), out var known))
            {
                return known;
            }

            var names = NamesOf(body);
            var answer = names.Closes || (callsLeft > 0 && names.Invoked.Any(name => NameMayClose(name, callsLeft - 1)));
            _bodyAnswers[(body, callsLeft)] = answer;
            return answer;
        }

        private bool NameMayClose(string name, int callsLeft)
        {
            if (_nameAnswers.TryGetValue((name, callsLeft), out var known))
            {
                return known;
            }

            // Answered "no" while pending: a recursion adds nothing the other callees do not.
            _nameAnswers[(name, callsLeft)] = false;
            var answer = _methodsByName.TryGetValue(name, out var methods) && methods.Any(m => MayClose(m, callsLeft));
            _nameAnswers[(name, callsLeft)] = answer;
            return answer;
        }

        /// <summary>One read of a body's syntax: does it name a close, and which names does it invoke?</summary>
        private BodyNames NamesOf(SyntaxNode body)
        {
            if (_bodies.TryGetValue(body, out var known))
            {
                return known;
            }

            long stamp = 0;
            CostProfile.Start(ref stamp);
            var names = new BodyNames();
            foreach (var node in body.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case IdentifierNameSyntax or GenericNameSyntax when _closeNames.Contains(((SimpleNameSyntax)node).Identifier.ValueText):
                    case UsingStatementSyntax:
                    case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword }:
                    // Calls the syntax does not show as invocations: a query's methods, a constructor initializer.
                    case QueryExpressionSyntax:
                    case ConstructorInitializerSyntax:
                        names.Closes = true;
                        break;
                    case InvocationExpressionSyntax { Expression: var invoked }:
                        if (InvokedName(invoked) is { } name)
                        {
                            names.Invoked.Add(name);
                        }

                        break;
                    case InitializerExpressionSyntax { RawKind: (int)SyntaxKind.CollectionInitializerExpression }:
                        names.Invoked.Add("Add");
                        break;
                    case InterpolatedStringExpressionSyntax:
                        // A handler type of the compilation builds the string with calls to these.
                        names.Invoked.Add("AppendLiteral");
                        names.Invoked.Add("AppendFormatted");
                        break;
                }

                if (names.Closes)
                {
                    break;
                }
            }

            _bodies[body] = names;
            CostProfile.Stop("TLS003 reach: read a body's names", stamp);
            return names;
        }

        /// <summary>The method's name as a call writes it (an explicit implementation's without its interface).</summary>
        private static string SimpleName(IMethodSymbol method)
        {
            var dot = method.Name.LastIndexOf('.');
            return dot < 0 ? method.Name : method.Name.Substring(dot + 1);
        }

        /// <summary>The name a call is written with: <c>Foo()</c>, <c>x.Foo()</c>, <c>x?.Foo&lt;T&gt;()</c>; null for a
        /// delegate invoked through an expression (<c>handlers[0]()</c>), which <see cref="CloseFinder"/> does not follow.</summary>
        private static string? InvokedName(ExpressionSyntax invoked) => invoked switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            _ => null,
        };

        private void AddMemberNames(INamedTypeSymbol? type)
        {
            if (type == null)
            {
                return;
            }

            foreach (var member in type.GetMembers())
            {
                _closeNames.Add(member.Name);
            }
        }

        private sealed class BodyNames
        {
            public bool Closes { get; set; }

            public HashSet<string> Invoked { get; } = new HashSet<string>(System.StringComparer.Ordinal);
        }
    }
}
