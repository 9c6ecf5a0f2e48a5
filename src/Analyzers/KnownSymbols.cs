using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// The symbols the rules match against, resolved once per compilation. <see cref="TryCreate"/>
    /// returns null when the compilation cannot see <c>SslStream</c>: then there is nothing to find.
    /// </summary>
    internal sealed class KnownSymbols
    {
        // Stream members that put application data (or the handshake) through the TLS layer: after one
        // of them the peer expects a close_notify before the end of the stream.
        private static readonly ImmutableArray<string> UseMethodNames = ImmutableArray.Create(
            "AuthenticateAsClient", "AuthenticateAsClientAsync", "BeginAuthenticateAsClient",
            "AuthenticateAsServer", "AuthenticateAsServerAsync", "BeginAuthenticateAsServer",
            "Read", "ReadAsync", "ReadByte", "ReadAtLeast", "ReadAtLeastAsync", "ReadExactly", "ReadExactlyAsync", "BeginRead",
            "Write", "WriteAsync", "WriteByte", "BeginWrite", "Flush", "FlushAsync", "CopyTo", "CopyToAsync");

        private static readonly HashSet<string> UseMethodNameSet = new HashSet<string>(UseMethodNames);

        private static readonly ImmutableArray<string> DisposeMethodNames = ImmutableArray.Create("Dispose", "Close", "DisposeAsync");

        private KnownSymbols(Compilation compilation, INamedTypeSymbol sslStream)
        {
            SslStream = sslStream;
            Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
            TlsClose = compilation.GetTypeByMetadataName("CloseNotify.TlsClose");
            var disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            var asyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");

            var use = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var dispose = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var type in new[] { sslStream, Stream, disposable, asyncDisposable })
            {
                if (type == null)
                {
                    continue;
                }

                AddMethods(type, UseMethodNames, use);
                AddMethods(type, DisposeMethodNames, dispose, parameterless: true);
            }

            UseMethods = use;
            DisposeMethods = dispose;
            foreach (var member in sslStream.GetMembers("ShutdownAsync"))
            {
                if (member is IMethodSymbol method)
                {
                    ShutdownAsync = method;
                }
            }

            // The types a field or local may be declared as while it holds an SslStream.
            var baseTypes = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            for (var t = sslStream.BaseType; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                baseTypes.Add(t);
            }

            foreach (var i in sslStream.AllInterfaces)
            {
                baseTypes.Add(i);
            }

            SslStreamBaseTypes = baseTypes;
        }

        public INamedTypeSymbol SslStream { get; }

        public INamedTypeSymbol? Stream { get; }

        /// <summary>The runtime library's entry point, when the compilation references it.</summary>
        public INamedTypeSymbol? TlsClose { get; }

        public IMethodSymbol? ShutdownAsync { get; }

        // Plain hash sets, never changed after construction: read concurrently, and much cheaper to query than immutable sets.
        public HashSet<IMethodSymbol> UseMethods { get; }

        public HashSet<IMethodSymbol> DisposeMethods { get; }

        public HashSet<ITypeSymbol> SslStreamBaseTypes { get; }

        public static KnownSymbols? TryCreate(Compilation compilation)
        {
            var sslStream = compilation.GetTypeByMetadataName("System.Net.Security.SslStream");
            return sslStream == null ? null : new KnownSymbols(compilation, sslStream);
        }

        /// <summary>SslStream itself or a subclass (a library's own ExtendedSslStream, say).</summary>
        public bool IsSslStream(ITypeSymbol? type)
        {
            for (var t = type as INamedTypeSymbol; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, SslStream))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A declared type that can hold an SslStream without being one (Stream, IDisposable...).</summary>
        public bool CanHoldSslStream(ITypeSymbol? type) =>
            // Value types, strings, arrays, delegates, type parameters...: rejected before any symbol comparison, since
            // this runs for locals and fields all over the compilation.
            type is { IsReferenceType: true, SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Interface }
            && (IsSslStream(type) || SslStreamBaseTypes.Contains(type));

        // The name tests come first: they reject almost every call of a compilation without a symbol lookup.
        public bool IsUse(IMethodSymbol method) => UseMethodNameSet.Contains(method.Name) && Matches(method, UseMethods);

        public bool IsDispose(IMethodSymbol method) => IsDisposeName(method.Name) && Matches(method, DisposeMethods);

        public static bool IsDisposeName(string name) => name is "Dispose" or "Close" or "DisposeAsync";

        public bool IsShutdown(IMethodSymbol method) =>
            ShutdownAsync != null && OverridesOrIs(method, ShutdownAsync);

        /// <summary>A call into the CloseNotify runtime (graceful close or abort) counts as a close.</summary>
        public bool IsRuntimeClose(IMethodSymbol method) =>
            TlsClose != null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, TlsClose);

        /// <summary>
        /// A P/Invoke (DllImport or LibraryImport) bound to the native function <paramref name="entryPoint"/>,
        /// whatever its C# name: the entry point is the only identity a native import has.
        /// </summary>
        public static bool IsNativeImport(IMethodSymbol method, string entryPoint)
        {
            if (method.GetDllImportData() is { } dllImport)
            {
                return (dllImport.EntryPointName ?? method.Name) == entryPoint;
            }

            foreach (var attribute in (method.PartialDefinitionPart ?? method).GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "LibraryImportAttribute" } attributeClass
                    && attributeClass.ContainingNamespace?.ToDisplayString() == "System.Runtime.InteropServices")
                {
                    var named = attribute.NamedArguments.Where(a => a.Key == "EntryPoint").Select(a => a.Value.Value as string).FirstOrDefault();
                    return (named ?? method.Name) == entryPoint;
                }
            }

            return false;
        }

        private static bool Matches(IMethodSymbol method, HashSet<IMethodSymbol> set)
        {
            for (var m = method; m != null; m = m.OverriddenMethod)
            {
                if (set.Contains(m.OriginalDefinition))
                {
                    return true;
                }

                foreach (var implemented in m.ExplicitInterfaceImplementations)
                {
                    if (set.Contains(implemented.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool OverridesOrIs(IMethodSymbol method, IMethodSymbol target)
        {
            for (var m = method; m != null; m = m.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, target))
                {
                    return true;
                }
            }

            return false;
        }

        private static void AddMethods(INamedTypeSymbol type, ImmutableArray<string> names, HashSet<IMethodSymbol> into, bool parameterless = false)
        {
            foreach (var name in names)
            {
                foreach (var member in type.GetMembers(name))
                {
                    if (member is IMethodSymbol method && (!parameterless || method.Parameters.IsEmpty))
                    {
                        into.Add(method.OriginalDefinition);
                    }
                }
            }
        }
    }
}
