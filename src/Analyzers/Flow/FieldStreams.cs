using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// The fields of one type that hold an SslStream the type has used: declared as SslStream (or a
    /// subclass), or declared as a base type (the usual <c>Stream _stream</c> of a driver) and assigned
    /// an SslStream somewhere in the type.
    /// </summary>
    internal static class FieldStreams
    {
        public static (EntityTable Fields, ulong Used) Find(KnownSymbols symbols, INamedTypeSymbol type, IReadOnlyList<IOperation> bodies)
        {
            var candidates = type.GetMembers().OfType<IFieldSymbol>().Where(f => symbols.CanHoldSslStream(f.Type)).ToList();
            var assignedSsl = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var used = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var body in bodies)
            {
                ScanBody(symbols, body, assignedSsl, used);
            }

            var tracked = candidates.Where(f => symbols.IsSslStream(f.Type) || assignedSsl.Contains(f));
            var table = new EntityTable(tracked);
            ulong usedBits = 0;
            foreach (var field in used)
            {
                var index = table.IndexOf(field);
                if (index >= 0)
                {
                    usedBits |= 1UL << index;
                }
            }

            return (table, usedBits);
        }

        private static void ScanBody(KnownSymbols symbols, IOperation body, HashSet<ISymbol> assignedSsl, HashSet<ISymbol> used)
        {
            // Locals and parameters this body used (authenticated, read, wrote): a field assigned from one
            // of them holds a stream the type has used.
            var usedHere = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var fieldSources = new List<(ISymbol Field, ISymbol Source)>();
            foreach (var operation in body.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when symbols.IsUse(invocation.TargetMethod):
                        var receiver = OperationHelpers.ResolveReceiver(invocation.Instance);
                        var target = OperationHelpers.ReferencedSymbol(receiver);
                        if (target != null)
                        {
                            (target is IFieldSymbol ? used : usedHere).Add(target);
                        }

                        break;
                    case ISimpleAssignmentOperation assignment when OperationHelpers.ReferencedSymbol(assignment.Target) is IFieldSymbol field:
                        if (StreamOwnership.MayBeSslStream(symbols, assignment.Value))
                        {
                            assignedSsl.Add(field);
                        }

                        var source = OperationHelpers.StripConversions(assignment.Value);
                        var sourceSymbol = OperationHelpers.ReferencedSymbol(source);
                        if (sourceSymbol != null)
                        {
                            fieldSources.Add((field, sourceSymbol));
                        }

                        break;
                    case IFieldInitializerOperation initializer when StreamOwnership.MayBeSslStream(symbols, initializer.Value):
                        foreach (var initialized in initializer.InitializedFields)
                        {
                            assignedSsl.Add(initialized.OriginalDefinition);
                        }

                        break;
                }
            }

            foreach (var (field, source) in fieldSources)
            {
                if (usedHere.Contains(source))
                {
                    used.Add(field);
                }
            }
        }
    }
}
