using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CloseNotify.Analyzers
{
    /// <summary>
    /// Can this compilation hold an SslStream at all? Every rule but TLS002 (which also looks for SSL_shutdown
    /// imports) registers nothing when it cannot, so a project without TLS pays ~0 (their per-operation callbacks
    /// were most of CloseNotify's cost there: docs/corpus.md).
    /// A stream of this compilation is created, typed or tested by name in its source ("SslStream" in the text, a
    /// subclass's declaration included); one that comes typed from a library comes from an assembly whose metadata
    /// refers to the type. The test reads text and metadata only: a symbol lookup here would wait for the
    /// compiler to bind every reference, and be counted as this analyzer's time.
    /// </summary>
    internal static class TlsGate
    {
        private const string TypeName = "SslStream";

        private static readonly ConditionalWeakTable<Compilation, object> Answers = new ConditionalWeakTable<Compilation, object>();
        private static readonly object Yes = new object();
        private static readonly object No = new object();

        public static bool MayHoldSslStream(Compilation compilation, CancellationToken cancellationToken) =>
            Answers.GetValue(compilation, c => Compute(c, cancellationToken) ? Yes : No) == Yes;

        private static bool Compute(Compilation compilation, CancellationToken cancellationToken)
        {
            var buffer = new char[4096];
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (Contains(tree.GetText(cancellationToken), TypeName, buffer))
                {
                    return true;
                }
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

        /// <summary>Ordinal search through the text in chunks (no copy of the whole file); chunks overlap by the word's length.</summary>
        internal static bool Contains(SourceText text, string word, char[] buffer)
        {
            var length = text.Length;
            for (var start = 0; start < length; start += buffer.Length - word.Length)
            {
                var count = Math.Min(buffer.Length, length - start);
                text.CopyTo(start, buffer, 0, count);
                if (new ReadOnlySpan<char>(buffer, 0, count).IndexOf(word.AsSpan()) >= 0)
                {
                    return true;
                }

                if (start + count >= length)
                {
                    break;
                }
            }

            return false;
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

        // The framework's reference assemblies and Microsoft's own packages: they define SslStream or reference it
        // without handing out SslStreams as such.
        private static bool IsFrameworkName(string name) =>
            name is "mscorlib" or "netstandard" or "System"
            || name.StartsWith("System.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.", StringComparison.Ordinal);
    }
}
