using System;
using System.Runtime.CompilerServices;
using System.Threading;
using CloseNotify.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Can this compilation hold an SslStream at all? Every rule but TLS002 registers nothing when it cannot, so a
    /// project without TLS pays ~0 (their per-operation callbacks were most of CloseNotify's cost there: docs/corpus.md).
    /// A stream of this compilation is created, typed or tested by name in its source ("SslStream" in the text, a
    /// subclass's declaration included); one that comes typed from a library comes from an assembly whose metadata
    /// refers to the type. The test reads text and metadata only: a symbol lookup here would wait for the
    /// compiler to bind every reference, and be counted as this analyzer's time.
    /// TLS002 has a gate of its own (<see cref="MayShutDownTls"/>): an SSL_shutdown import needs no SslStream.
    /// </summary>
    internal static class TlsGate
    {
        private const string TypeName = "SslStream";

        // The words the one pass over the source looks for, in the order of SourceWord's bits.
        private static readonly string[] Words = { TypeName, "ShutdownAsync", CloseFinder.OpenSslShutdownEntryPoint };
        private static readonly int LongestWord = Math.Max(Words[0].Length, Math.Max(Words[1].Length, Words[2].Length));

        private static readonly ConditionalWeakTable<Compilation, object> Answers = new ConditionalWeakTable<Compilation, object>();
        private static readonly ConditionalWeakTable<Compilation, object> ShutdownAnswers = new ConditionalWeakTable<Compilation, object>();
        private static readonly ConditionalWeakTable<Compilation, StrongBox<SourceWord>> Scans = new ConditionalWeakTable<Compilation, StrongBox<SourceWord>>();
        private static readonly object Yes = new object();
        private static readonly object No = new object();

        /// <summary>What the source of a compilation names (one bit per word of <see cref="Words"/>).</summary>
        [Flags]
        internal enum SourceWord
        {
            None = 0,
            SslStream = 1,
            ShutdownAsync = 2,
            SslShutdown = 4,
            All = 7,
        }

        public static bool MayHoldSslStream(Compilation compilation, CancellationToken cancellationToken) =>
            Answers.GetValue(compilation, c => Compute(c, cancellationToken) ? Yes : No) == Yes;

        /// <summary>
        /// Can TLS002 report here: does the source call ShutdownAsync or import SSL_shutdown, or does a library it
        /// references import SSL_shutdown (under any C# name)? A ShutdownAsync call names the method in the source,
        /// whatever declares it, so only the import is looked for in metadata.
        /// </summary>
        public static bool MayShutDownTls(Compilation compilation, CancellationToken cancellationToken) =>
            ShutdownAnswers.GetValue(compilation, c => ComputeShutdown(c, cancellationToken) ? Yes : No) == Yes;

        /// <summary>
        /// Which of the gates' words the compilation's source holds: one pass over every tree for all of them (the TLS
        /// gate and TLS002's share it), stopped once all are found.
        /// </summary>
        internal static SourceWord Scan(Compilation compilation, CancellationToken cancellationToken) =>
            Scans.GetValue(compilation, c =>
            {
                var buffer = new char[4096];
                var found = SourceWord.None;
                foreach (var tree in c.SyntaxTrees)
                {
                    found |= Find(tree.GetText(cancellationToken), found, buffer);
                    if (found == SourceWord.All)
                    {
                        break;
                    }
                }

                return new StrongBox<SourceWord>(found);
            }).Value;

        private static bool Compute(Compilation compilation, CancellationToken cancellationToken)
        {
            if ((Scan(compilation, cancellationToken) & SourceWord.SslStream) != 0)
            {
                return true;
            }

            foreach (var reference in compilation.References)
            {
                // A project reference of the IDE is a compilation, not a file: its source answers.
                if ((reference is PortableExecutableReference portable && LibraryReferencesSslStream(portable))
                    || (reference is CompilationReference project && MayHoldSslStream(project.Compilation, cancellationToken)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ComputeShutdown(Compilation compilation, CancellationToken cancellationToken)
        {
            if ((Scan(compilation, cancellationToken) & (SourceWord.ShutdownAsync | SourceWord.SslShutdown)) != 0)
            {
                return true;
            }

            foreach (var reference in compilation.References)
            {
                if ((reference is PortableExecutableReference portable && LibraryImportsSslShutdown(portable))
                    || (reference is CompilationReference project && (Scan(project.Compilation, cancellationToken) & SourceWord.SslShutdown) != 0))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The words of <see cref="Words"/> in <paramref name="text"/> that <paramref name="known"/> does not hold yet: an
        /// ordinal search in chunks of <paramref name="buffer"/>'s size (no copy of the whole file; longer than any word).
        /// </summary>
        internal static SourceWord Find(SourceText text, SourceWord known, char[] buffer)
        {
            var found = SourceWord.None;
            var length = text.Length;
            // Chunks overlap by the longest word's length, so a word across a chunk's end is seen whole in the next.
            for (var start = 0; start < length; start += buffer.Length - LongestWord)
            {
                var count = Math.Min(buffer.Length, length - start);
                text.CopyTo(start, buffer, 0, count);
                var chunk = new ReadOnlySpan<char>(buffer, 0, count);
                for (var i = 0; i < Words.Length; i++)
                {
                    var bit = (SourceWord)(1 << i);
                    if (((known | found) & bit) == 0 && chunk.IndexOf(Words[i].AsSpan()) >= 0)
                    {
                        found |= bit;
                    }
                }

                if ((known | found) == SourceWord.All || start + count >= length)
                {
                    break;
                }
            }

            return found;
        }

        /// <summary>
        /// A library (not the framework's own reference assemblies) whose metadata refers to SslStream. Unreadable
        /// metadata says yes.
        /// </summary>
        private static bool LibraryReferencesSslStream(PortableExecutableReference reference)
        {
            try
            {
                if (reference.GetMetadata() is not AssemblyMetadata assembly)
                {
                    return false;
                }

                var reader = assembly.GetModules()[0].GetMetadataReader();
                if (!reader.IsAssembly || IsFrameworkName(reader.GetString(reader.GetAssemblyDefinition().Name)))
                {
                    return false;
                }

                // A library that creates, derives from or hands out SslStreams refers to the type; whichever assembly
                // defines it on the library's framework (System.Net.Security, netstandard, System), the reference names it.
                foreach (var handle in reader.TypeReferences)
                {
                    var type = reader.GetTypeReference(handle);
                    if (reader.StringComparer.Equals(type.Name, TypeName) && reader.StringComparer.Equals(type.Namespace, "System.Net.Security"))
                    {
                        return true;
                    }
                }

                return false;
            }
            catch (Exception e) when (e is BadImageFormatException or System.IO.IOException or InvalidOperationException)
            {
                return true;
            }
        }

        /// <summary>
        /// A library (not the framework's) with a P/Invoke whose native entry point is SSL_shutdown: its callers may call
        /// it under any C# name. Unreadable metadata says yes.
        /// </summary>
        private static bool LibraryImportsSslShutdown(PortableExecutableReference reference)
        {
            try
            {
                if (reference.GetMetadata() is not AssemblyMetadata assembly)
                {
                    return false;
                }

                var reader = assembly.GetModules()[0].GetMetadataReader();
                if (!reader.IsAssembly || IsFrameworkName(reader.GetString(reader.GetAssemblyDefinition().Name)))
                {
                    return false;
                }

                foreach (var handle in reader.MethodDefinitions)
                {
                    var method = reader.GetMethodDefinition(handle);
                    if ((method.Attributes & System.Reflection.MethodAttributes.PinvokeImpl) != 0
                        && reader.StringComparer.Equals(method.GetImport().Name, CloseFinder.OpenSslShutdownEntryPoint))
                    {
                        return true;
                    }
                }

                return false;
            }
            catch (Exception e) when (e is BadImageFormatException or System.IO.IOException or InvalidOperationException)
            {
                return true;
            }
        }

        // The framework's reference assemblies and Microsoft's own packages: they define SslStream or reference it
        // without handing out SslStreams as such.
        private static bool IsFrameworkName(string name) =>
            name is "mscorlib" or "netstandard" or "System"
            || name.StartsWith("System.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.", StringComparison.Ordinal);
    }
}
