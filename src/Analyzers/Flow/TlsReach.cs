using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Which files of a compilation can put an SslStream in a local or a field: TLS001's gate, so that only the code
    /// of those files (and of the types declared in them) is analyzed at all.
    /// <para>
    /// An expression typed SslStream (or a subclass) always has, in its own file, a name that leads to it: the type
    /// (<c>new SslStream</c>, a subclass, an alias, a cast), a member whose signature carries one (<c>_ssl</c>,
    /// <c>OpenTlsAsync()</c>, <c>List&lt;SslStream&gt; _pool</c>), or a local declared from one of those. The only
    /// names that do not appear are the implicit members (indexers, operators, GetEnumerator, GetAwaiter, Deconstruct,
    /// Invoke, the query methods): their containing types count as TLS types in turn, and an extension method of that
    /// kind turns the gate off. The names are found in the declarations of the files that mention one (to a fixed point)
    /// and in the libraries that reference System.Net.Security; a file is in when its text has one of them as a whole
    /// word. Not seen: identifiers spelled with Unicode escapes (<c>Ssl\u0053tream</c>).
    /// </para>
    /// </summary>
    internal sealed class TlsReach
    {
        private const int ChunkSize = 8192;

        // Members the compiler calls without their name appearing in the code.
        private static readonly HashSet<string> ImplicitMemberNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "GetEnumerator", "GetAsyncEnumerator", "Current", "GetAwaiter", "GetResult", "Deconstruct", "Invoke", "Slice",
            "Select", "SelectMany", "Where", "Join", "GroupJoin", "GroupBy", "OrderBy", "OrderByDescending", "ThenBy",
            "ThenByDescending", "Cast",
        };

        private readonly HashSet<SyntaxTree>? _trees;

        private TlsReach(HashSet<SyntaxTree>? trees) => _trees = trees;

        /// <summary>For a compilation that cannot see SslStream at all.</summary>
        public static TlsReach Nowhere { get; } = new TlsReach(new HashSet<SyntaxTree>());

        /// <summary>No code of the compilation can hold an SslStream.</summary>
        public bool IsEmpty => _trees is { Count: 0 };

        public static TlsReach Compute(Compilation compilation, KnownSymbols symbols, CancellationToken cancellationToken)
        {
            var words = new HashSet<string>(StringComparer.Ordinal) { symbols.SslStream.Name };
            if (!LibraryWords(compilation, symbols, words))
            {
                return new TlsReach(null);
            }

            var relevant = new HashSet<SyntaxTree>();
            var unscanned = new List<SyntaxTree>(compilation.SyntaxTrees);
            var pending = new List<string>(words);
            var buffer = new char[ChunkSize];
            while (pending.Count > 0)
            {
                var scanner = new WordScanner(pending);
                unscanned.RemoveAll(tree =>
                {
                    if (!scanner.Mentions(tree.GetText(cancellationToken), buffer))
                    {
                        return false;
                    }

                    relevant.Add(tree);
                    return true;
                });

                // The declarations of every file in, again: a name found this round may make an earlier member's
                // signature a TLS one.
                var added = new List<string>();
                foreach (var tree in relevant)
                {
                    if (!new DeclarationWords(words, added).Visit(tree.GetRoot(cancellationToken)))
                    {
                        return new TlsReach(null);
                    }
                }

                pending = added;
            }

            return new TlsReach(relevant);
        }

        /// <summary>Can code in this operation block hold an SslStream, in a local or in a field of its type?</summary>
        public bool CanReach(ISymbol owner, SyntaxTree tree)
        {
            if (_trees == null)
            {
                return true;
            }

            if (_trees.Contains(tree))
            {
                return true;
            }

            // A field given its SslStream in another part of a partial type.
            var type = owner.ContainingType;
            if (type != null && type.DeclaringSyntaxReferences.Length > 1)
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (_trees.Contains(reference.SyntaxTree))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Adds the names through which libraries hand out an SslStream; false when one cannot be bounded
        /// (an implicit extension member such as GetAwaiter yielding one).</summary>
        private static bool LibraryWords(Compilation compilation, KnownSymbols symbols, HashSet<string> words)
        {
            var libraries = TlsLibraries(compilation);
            if (libraries.Count == 0)
            {
                return true;
            }

            var tlsTypes = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { symbols.SslStream };
            var types = new List<INamedTypeSymbol>();
            foreach (var library in libraries)
            {
                AddTypes(library.GlobalNamespace, types);
            }

            var changed = true;
            while (changed)
            {
                changed = false;
                foreach (var type in types)
                {
                    if (!tlsTypes.Contains(type) && (Mentions(type.BaseType, tlsTypes) || AnyMentions(type.Interfaces, tlsTypes)))
                    {
                        changed |= tlsTypes.Add(type);
                    }

                    foreach (var member in type.GetMembers())
                    {
                        if (!SignatureMentions(member, tlsTypes))
                        {
                            continue;
                        }

                        if (HasCallableName(member))
                        {
                            words.Add(member.Name);
                        }

                        if (IsImplicit(member))
                        {
                            if (member is IMethodSymbol { IsExtensionMethod: true })
                            {
                                return false;
                            }

                            changed |= tlsTypes.Add(type);
                        }
                    }
                }
            }

            foreach (var type in tlsTypes)
            {
                words.Add(type.Name);
            }

            return true;
        }

        /// <summary>Referenced libraries that can see SslStream: those referencing System.Net.Security, directly or
        /// through another such library. The platform's own assemblies hand none out, nor does the CloseNotify runtime.</summary>
        private static List<IAssemblySymbol> TlsLibraries(Compilation compilation)
        {
            var reaching = new HashSet<string>(StringComparer.Ordinal) { "System.Net.Security" };
            var candidates = new List<IAssemblySymbol>();
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (!IsPlatform(assembly.Identity.Name))
                {
                    candidates.Add(assembly);
                }
            }

            var libraries = new List<IAssemblySymbol>();
            var changed = true;
            while (changed)
            {
                changed = false;
                for (var i = candidates.Count - 1; i >= 0; i--)
                {
                    if (ReferencesAny(candidates[i], reaching))
                    {
                        reaching.Add(candidates[i].Identity.Name);
                        libraries.Add(candidates[i]);
                        candidates.RemoveAt(i);
                        changed = true;
                    }
                }
            }

            return libraries;
        }

        private static bool IsPlatform(string name) =>
            name == "mscorlib" || name == "netstandard" || name == "System" || name == "CloseNotify"
            || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal);

        private static bool ReferencesAny(IAssemblySymbol assembly, HashSet<string> names)
        {
            foreach (var module in assembly.Modules)
            {
                foreach (var referenced in module.ReferencedAssemblies)
                {
                    if (names.Contains(referenced.Name))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static void AddTypes(INamespaceOrTypeSymbol container, List<INamedTypeSymbol> into)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested)
                {
                    if (nested is INamedTypeSymbol type)
                    {
                        into.Add(type);
                    }

                    AddTypes(nested, into);
                }
            }
        }

        /// <summary>Members written by name in code (not accessors, constructors, operators or indexers).</summary>
        private static bool HasCallableName(ISymbol member) => member switch
        {
            IMethodSymbol method => method.MethodKind is MethodKind.Ordinary or MethodKind.DelegateInvoke,
            IPropertySymbol property => !property.IsIndexer,
            _ => true,
        };

        private static bool IsImplicit(ISymbol member) => member switch
        {
            IPropertySymbol property => property.IsIndexer || ImplicitMemberNames.Contains(property.Name),
            IMethodSymbol method => method.MethodKind is MethodKind.UserDefinedOperator or MethodKind.Conversion
                || ImplicitMemberNames.Contains(method.Name),
            _ => false,
        };

        private static bool SignatureMentions(ISymbol member, HashSet<ITypeSymbol> types) => member switch
        {
            IMethodSymbol method => Mentions(method.ReturnType, types) || ParametersMention(method.Parameters, types),
            IPropertySymbol property => Mentions(property.Type, types) || ParametersMention(property.Parameters, types),
            IFieldSymbol field => Mentions(field.Type, types),
            IEventSymbol @event => Mentions(@event.Type, types),
            _ => false,
        };

        private static bool ParametersMention(System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters, HashSet<ITypeSymbol> types)
        {
            foreach (var parameter in parameters)
            {
                if (Mentions(parameter.Type, types))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool AnyMentions(System.Collections.Immutable.ImmutableArray<INamedTypeSymbol> candidates, HashSet<ITypeSymbol> types)
        {
            foreach (var candidate in candidates)
            {
                if (Mentions(candidate, types))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Does the type carry one of <paramref name="types"/> anywhere: itself, a type argument, an array or
        /// pointer element, a containing type's argument?</summary>
        private static bool Mentions(ITypeSymbol? type, HashSet<ITypeSymbol> types)
        {
            switch (type)
            {
                case null:
                    return false;
                case IArrayTypeSymbol array:
                    return Mentions(array.ElementType, types);
                case IPointerTypeSymbol pointer:
                    return Mentions(pointer.PointedAtType, types);
                case INamedTypeSymbol named:
                    if (types.Contains(named.OriginalDefinition))
                    {
                        return true;
                    }

                    foreach (var argument in named.TypeArguments)
                    {
                        if (Mentions(argument, types))
                        {
                            return true;
                        }
                    }

                    return Mentions(named.ContainingType, types);
                default:
                    return false;
            }
        }

        /// <summary>Finds whole-word occurrences of a set of names in source text, in fixed-size chunks.</summary>
        private sealed class WordScanner
        {
            // Few names: one vectorized search per name beats a pass that looks at every identifier.
            private const int MaxSearchedOneByOne = 6;

            private readonly List<string> _words;
            private readonly HashSet<string> _wordSet;
            private readonly int _maxLength;

            // Which lengths the names have: an identifier of another length is rejected before a string is made of it.
            private readonly bool[] _hasLength;

            public WordScanner(List<string> words)
            {
                _words = words;
                _wordSet = new HashSet<string>(words, StringComparer.Ordinal);
                foreach (var word in words)
                {
                    _maxLength = Math.Max(_maxLength, word.Length);
                }

                _hasLength = new bool[_maxLength + 1];
                foreach (var word in words)
                {
                    _hasLength[word.Length] = true;
                }
            }

            public bool Mentions(SourceText text, char[] buffer) =>
                _words.Count <= MaxSearchedOneByOne ? SearchEach(text, buffer) : ScanIdentifiers(text, buffer);

            private bool SearchEach(SourceText text, char[] buffer)
            {
                foreach (var word in _words)
                {
                    // Chunks overlap by the word's length plus the two characters around it.
                    var step = buffer.Length - word.Length - 2;
                    for (var start = 0; start < text.Length; start += step)
                    {
                        var count = Math.Min(buffer.Length, text.Length - start);
                        var chunk = new ReadOnlySpan<char>(buffer, 0, count);
                        text.CopyTo(start, buffer, 0, count);
                        for (var from = 0; from < count;)
                        {
                            var at = chunk.Slice(from).IndexOf(word.AsSpan(), StringComparison.Ordinal);
                            if (at < 0)
                            {
                                break;
                            }

                            at += from;
                            var end = at + word.Length;
                            if ((at > 0 || start == 0) && (end < count || start + count == text.Length)
                                && (at == 0 || !IsWordChar(buffer[at - 1])) && (end == count || !IsWordChar(buffer[end])))
                            {
                                return true;
                            }

                            from = at + 1;
                        }

                        if (start + count == text.Length)
                        {
                            break;
                        }
                    }
                }

                return false;
            }

            private bool ScanIdentifiers(SourceText text, char[] buffer)
            {
                var word = new char[_maxLength];
                var length = 0;
                for (var start = 0; start < text.Length; start += buffer.Length)
                {
                    var count = Math.Min(buffer.Length, text.Length - start);
                    text.CopyTo(start, buffer, 0, count);
                    for (var i = 0; i < count; i++)
                    {
                        var c = buffer[i];
                        if (IsWordChar(c))
                        {
                            if (length < word.Length)
                            {
                                word[length] = c;
                            }

                            length++;
                        }
                        else if (length > 0)
                        {
                            if (IsWord(word, length))
                            {
                                return true;
                            }

                            length = 0;
                        }
                    }
                }

                return length > 0 && IsWord(word, length);
            }

            private bool IsWord(char[] word, int length) =>
                length <= _maxLength && _hasLength[length] && _wordSet.Contains(new string(word, 0, length));

            // Non-ASCII characters count as separators: a Unicode letter next to a name then makes a false match, never a
            // missed one.
            private static bool IsWordChar(char c) =>
                (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '_';
        }

        /// <summary>The names a file's declarations add: types deriving from or yielding a TLS type, members whose
        /// signature carries one, aliases of one. Bodies are not entered.</summary>
        private sealed class DeclarationWords
        {
            private readonly HashSet<string> _words;
            private readonly List<string> _added;

            public DeclarationWords(HashSet<string> words, List<string> added)
            {
                _words = words;
                _added = added;
            }

            /// <summary>False when an implicit extension member yields a TLS type: no name then bounds where it flows.</summary>
            public bool Visit(SyntaxNode root)
            {
                switch (root)
                {
                    case CompilationUnitSyntax unit:
                        VisitUsings(unit.Usings);
                        return VisitMembers(unit.Members, containingType: null);
                    default:
                        return true;
                }
            }

            private void VisitUsings(SyntaxList<UsingDirectiveSyntax> usings)
            {
                foreach (var directive in usings)
                {
                    if (directive.Alias != null && Mentions(directive.NamespaceOrType))
                    {
                        Add(directive.Alias.Name.Identifier.ValueText);
                    }
                }
            }

            private bool VisitMembers(SyntaxList<MemberDeclarationSyntax> members, string? containingType)
            {
                foreach (var member in members)
                {
                    if (!VisitMember(member, containingType))
                    {
                        return false;
                    }
                }

                return true;
            }

            private bool VisitMember(MemberDeclarationSyntax member, string? containingType)
            {
                switch (member)
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        VisitUsings(ns.Usings);
                        return VisitMembers(ns.Members, containingType: null);
                    case TypeDeclarationSyntax type:
                        var name = type.Identifier.ValueText;
                        if (Mentions(type.BaseList))
                        {
                            Add(name);
                        }

                        // Record (and primary constructor) parameters: properties, and a Deconstruct.
                        if (type.ParameterList != null)
                        {
                            foreach (var parameter in type.ParameterList.Parameters)
                            {
                                if (Mentions(parameter.Type))
                                {
                                    Add(parameter.Identifier.ValueText);
                                    Add(name);
                                }
                            }
                        }

                        return VisitMembers(type.Members, name);
                    case DelegateDeclarationSyntax @delegate:
                        if (Mentions(@delegate.ReturnType) || Mentions(@delegate.ParameterList))
                        {
                            Add(@delegate.Identifier.ValueText);
                        }

                        return true;
                    case BaseFieldDeclarationSyntax field:
                        if (Mentions(field.Declaration.Type))
                        {
                            foreach (var variable in field.Declaration.Variables)
                            {
                                Add(variable.Identifier.ValueText);
                            }
                        }

                        return true;
                    case PropertyDeclarationSyntax property:
                        AddIf(Mentions(property.Type), property.Identifier.ValueText, containingType);
                        return true;
                    case EventDeclarationSyntax @event:
                        AddIf(Mentions(@event.Type), @event.Identifier.ValueText, containingType);
                        return true;
                    case IndexerDeclarationSyntax indexer:
                        AddIf(Mentions(indexer.Type) || Mentions(indexer.ParameterList), null, containingType);
                        return true;
                    case OperatorDeclarationSyntax op:
                        AddIf(Mentions(op.ReturnType) || Mentions(op.ParameterList), null, containingType);
                        return true;
                    case ConversionOperatorDeclarationSyntax conversion:
                        AddIf(Mentions(conversion.Type) || Mentions(conversion.ParameterList), null, containingType);
                        return true;
                    case MethodDeclarationSyntax method:
                        var methodName = method.Identifier.ValueText;
                        if (!(Mentions(method.ReturnType) || Mentions(method.ParameterList)))
                        {
                            return true;
                        }

                        Add(methodName);
                        if (ImplicitMemberNames.Contains(methodName))
                        {
                            if (IsExtension(method))
                            {
                                return false;
                            }

                            AddIf(true, null, containingType);
                        }

                        return true;
                    default:
                        return true;
                }
            }

            private static bool IsExtension(MethodDeclarationSyntax method) =>
                method.ParameterList.Parameters.Count > 0
                && method.ParameterList.Parameters[0].Modifiers.Any(SyntaxKind.ThisKeyword);

            /// <summary>Adds the member's name, and its containing type's when the compiler calls it implicitly.</summary>
            private void AddIf(bool mentions, string? memberName, string? containingType)
            {
                if (!mentions)
                {
                    return;
                }

                if (memberName != null)
                {
                    Add(memberName);
                    if (!ImplicitMemberNames.Contains(memberName))
                    {
                        return;
                    }
                }

                if (containingType != null)
                {
                    Add(containingType);
                }
            }

            private bool Mentions(SyntaxNode? node)
            {
                if (node == null)
                {
                    return false;
                }

                foreach (var token in node.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && _words.Contains(token.ValueText))
                    {
                        return true;
                    }
                }

                return false;
            }

            private void Add(string word)
            {
                if (_words.Add(word))
                {
                    _added.Add(word);
                }
            }
        }
    }
}
