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
        // The Stream members that read it (CopyTo reads its source).
        private static readonly ImmutableArray<string> ReadMethodNames = ImmutableArray.Create(
            "Read", "ReadAsync", "ReadByte", "ReadAtLeast", "ReadAtLeastAsync", "ReadExactly", "ReadExactlyAsync", "BeginRead", "CopyTo", "CopyToAsync");

        // Stream members that put application data (or the handshake) through the TLS layer: after one
        // of them the peer expects a close_notify before the end of the stream.
        private static readonly ImmutableArray<string> UseMethodNames = ImmutableArray.Create(
            "AuthenticateAsClient", "AuthenticateAsClientAsync", "BeginAuthenticateAsClient",
            "AuthenticateAsServer", "AuthenticateAsServerAsync", "BeginAuthenticateAsServer",
            "Write", "WriteAsync", "WriteByte", "BeginWrite", "Flush", "FlushAsync").AddRange(ReadMethodNames);

        private static readonly HashSet<string> UseMethodNameSet = new HashSet<string>(UseMethodNames);

        private static readonly ImmutableArray<string> DisposeMethodNames = ImmutableArray.Create("Dispose", "Close", "DisposeAsync");

        // BCL types that take a stream in their constructor and dispose it with themselves unless told to leave it open.
        private static readonly ImmutableArray<string> OwnerTypeNames = ImmutableArray.Create(
            "System.IO.StreamReader", "System.IO.StreamWriter", "System.IO.BinaryReader", "System.IO.BinaryWriter",
            "System.IO.BufferedStream", "System.IO.Compression.GZipStream", "System.IO.Compression.DeflateStream",
            "System.IO.Compression.BrotliStream", "System.IO.Compression.ZLibStream", "System.Security.Cryptography.CryptoStream");

        // The pipes over a stream: completing one disposes the stream unless its options say leaveOpen.
        private static readonly ImmutableArray<string> PipeTypeNames = ImmutableArray.Create("System.IO.Pipelines.PipeReader", "System.IO.Pipelines.PipeWriter");

        private static readonly ImmutableArray<string> PipeCompleteNames = ImmutableArray.Create("Complete", "CompleteAsync");

        private KnownSymbols(Compilation compilation, INamedTypeSymbol sslStream, TlsOptions options)
        {
            SslStream = sslStream;
            Options = options;
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

            var owners = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in OwnerTypeNames)
            {
                if (compilation.GetTypeByMetadataName(name) is { } owner)
                {
                    owners.Add(owner);
                    AddMethods(owner, DisposeMethodNames, dispose, parameterless: true);
                }
            }

            // StreamReader and StreamWriter dispose through TextReader/TextWriter's own Dispose, not an override.
            var texts = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in new[] { "System.IO.TextReader", "System.IO.TextWriter" })
            {
                if (compilation.GetTypeByMetadataName(name) is { } text)
                {
                    texts.Add(text);
                    AddMethods(text, DisposeMethodNames, dispose, parameterless: true);
                }
            }

            TextTypes = texts;

            var pipes = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in PipeTypeNames)
            {
                if (compilation.GetTypeByMetadataName(name) is { } pipe)
                {
                    pipes.Add(pipe);
                    AddMethods(pipe, PipeCompleteNames, dispose);
                }
            }

            OwnerTypes = owners;
            PipeTypes = pipes;
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
            Socket = compilation.GetTypeByMetadataName("System.Net.Sockets.Socket");
            TcpClient = compilation.GetTypeByMetadataName("System.Net.Sockets.TcpClient");
        }

        /// <summary>System.Net.Sockets.Socket, when referenced: a transport under a TLS stream (TLS004).</summary>
        public INamedTypeSymbol? Socket { get; }

        /// <summary>System.Net.Sockets.TcpClient, when referenced: a transport under a TLS stream (TLS004).</summary>
        public INamedTypeSymbol? TcpClient { get; }

        /// <summary>System.IO.Stream or a class derived from it.</summary>
        public bool IsStreamType(ITypeSymbol? type) => Stream != null && type is { TypeKind: TypeKind.Class } && InheritsFrom(type, Stream);

        /// <summary>A Socket or a TcpClient (or a subclass): closing one ends the TCP connection under any TLS stream over it.</summary>
        public bool IsSocketLike(ITypeSymbol? type)
        {
            for (var t = type as INamedTypeSymbol; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, Socket) || SymbolEqualityComparer.Default.Equals(t, TcpClient))
                {
                    return true;
                }
            }

            return false;
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

        /// <summary>StreamReader, BufferedStream, GZipStream...: they own the stream they are given unless leaveOpen.</summary>
        public HashSet<ITypeSymbol> OwnerTypes { get; }

        /// <summary>PipeReader and PipeWriter: <c>Create(stream)</c> makes an owner, <c>Complete</c> disposes it.</summary>
        public HashSet<ITypeSymbol> PipeTypes { get; }

        private HashSet<ITypeSymbol> TextTypes { get; }

        /// <summary>What .editorconfig says the compilation cannot show (closing methods, owner types of other assemblies).</summary>
        public TlsOptions Options { get; }

        public static KnownSymbols? TryCreate(Compilation compilation, TlsOptions? options = null)
        {
            var sslStream = compilation.GetTypeByMetadataName("System.Net.Security.SslStream");
            return sslStream == null ? null : new KnownSymbols(compilation, sslStream, options ?? TlsOptions.None);
        }

        /// <summary>A BCL owner (StreamReader, GZipStream...) or a configured one: disposing it disposes the stream it was given.</summary>
        public bool IsOwnerType(ITypeSymbol? type) =>
            type != null && (OwnerTypes.Contains(type.OriginalDefinition) || Options.IsDisposingOwner(type));

        /// <summary>The owner in <c>owner.BaseStream</c> (a StreamReader's, StreamWriter's...): the stream it was made over,
        /// which the TLS001 fix closes for an owner field. Null for anything else.</summary>
        public IOperation? OwnerOfBaseStream(IOperation? value)
        {
            value = Flow.OperationHelpers.StripConversions(value);
            if (value is Microsoft.CodeAnalysis.Operations.IConditionalAccessOperation { WhenNotNull: Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation { Property.Name: "BaseStream" } } conditional)
            {
                // owner?.BaseStream
                return IsOwnerType(conditional.Operation.Type) ? conditional.Operation : null;
            }

            return value is Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation { Property.Name: "BaseStream", Instance: { } owner } && IsOwnerType(owner.Type)
                ? owner
                : null;
        }

        /// <summary>A type whose instances may own a TLS stream and dispose it: the BCL owners, TextReader/TextWriter
        /// (what a StreamReader is usually kept as), the pipes, the configured owners.</summary>
        public bool IsOwnerLike(ITypeSymbol? type) =>
            type is { TypeKind: TypeKind.Class } && (IsOwnerType(type) || PipeTypes.Contains(type.OriginalDefinition) || TextTypes.Contains(type.OriginalDefinition));

        /// <summary>PipeReader.Create / PipeWriter.Create: a pipe that owns the stream.</summary>
        public bool IsPipeCreate(IMethodSymbol method) =>
            method.Name == "Create" && method.IsStatic && PipeTypes.Contains(method.ContainingType.OriginalDefinition);

        /// <summary>PipeReader.Create(stream) with no options, or options the code builds in place without leaveOpen: true.</summary>
        public bool PipeOwnsStream(Microsoft.CodeAnalysis.Operations.IInvocationOperation invocation)
        {
            if (!IsPipeCreate(invocation.TargetMethod))
            {
                return false;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue || CanHoldSslStream(argument.Parameter?.Type))
                {
                    continue;
                }

                var options = Flow.OperationHelpers.StripConversions(argument.Value);
                if (!(options is Microsoft.CodeAnalysis.Operations.IDefaultValueOperation || options?.ConstantValue is { HasValue: true, Value: null }
                      || (options is Microsoft.CodeAnalysis.Operations.IObjectCreationOperation creation && !LeavesOpen(creation.Arguments))))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A leaveOpen argument that is not the constant false.</summary>
        public static bool LeavesOpen(ImmutableArray<Microsoft.CodeAnalysis.Operations.IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == "leaveOpen" && argument.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit)
                {
                    return argument.Value.ConstantValue is not { HasValue: true, Value: false };
                }
            }

            return false;
        }

        /// <summary>ShutdownAsync, or a configured closing method, called on the stream.</summary>
        public bool ClosesReceiver(IMethodSymbol method) => IsShutdown(method) || Options.IsClosingMethod(method);

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

        /// <summary>Dispose, Close, DisposeAsync (or a pipe's Complete): of a stream, an IDisposable, a BCL owner, or the
        /// parameterless one of any type (an owner of another assembly implements IDisposable.Dispose implicitly).</summary>
        public bool IsDispose(IMethodSymbol method) =>
            IsDisposeName(method.Name) && (Matches(method, DisposeMethods) || (method.Parameters.IsEmpty && !method.IsStatic));

        /// <summary>A Stream member that reads the stream, by name (Read…, BeginRead, CopyTo…).</summary>
        public static bool IsReadName(string name) => ReadMethodNames.Contains(name);

        public static bool IsDisposeName(string name) => name is "Dispose" or "Close" or "DisposeAsync" or "Complete" or "CompleteAsync";

        /// <summary>DisposeAsync and the pipes' CompleteAsync: an async disposal (a subclass closing in Close does not close here).</summary>
        public static bool IsAsyncDisposal(IMethodSymbol method) => method.Name is "DisposeAsync" or "CompleteAsync";

        /// <summary>A method of Stream or a BCL stream type: it reads or writes a stream argument, never takes it over.</summary>
        public bool IsStreamMethod(IMethodSymbol method) =>
            Stream != null && method.ContainingType is { } type && !type.IsStatic && InheritsFrom(type, Stream) && type.ContainingAssembly?.Name?.StartsWith("System", System.StringComparison.Ordinal) == true;

        private static bool InheritsFrom(ITypeSymbol type, ITypeSymbol baseType)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsShutdown(IMethodSymbol method) =>
            ShutdownAsync != null && method.Name == "ShutdownAsync" && OverridesOrIs(method, ShutdownAsync);

        /// <summary>A call into the CloseNotify runtime (graceful close or abort) counts as a close.</summary>
        public bool IsRuntimeClose(IMethodSymbol method) =>
            (TlsClose != null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, TlsClose))
            || Options.IsClosingMethod(method);

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
