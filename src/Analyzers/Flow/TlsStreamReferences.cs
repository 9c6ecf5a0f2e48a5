using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// TLS003's answers from one member and its type, while the driver analyzes the member (live in the IDE): a TLS stream
    /// by type, or by what the method's locals or the type's fields were assigned (<see cref="LocalStreams"/>,
    /// <see cref="FieldStreams"/>); an owner by its declared SslStream field (<see cref="TlsOwners"/>). What a field, a
    /// parameter or a call of the compilation may hold or do beyond that is <see cref="Verdict.Unknown"/>: the try then
    /// waits for the end of the compilation (<see cref="CloseReach"/>). The method's locals and the type's fields are each
    /// read at the first question about one: most closes are on a typed stream, and reading a type's fields walks its bodies.
    /// </summary>
    internal sealed class TlsStreamReferences : CloseKnowledge
    {
        private readonly Lazy<HashSet<ILocalSymbol>> _locals;
        private readonly Lazy<EntityTable?> _fields;
        private readonly TlsOwners _owners;
        private readonly IAssemblySymbol _assembly;
        private readonly Tls001Sites _tls001;
        private readonly ISymbol _owner;

        public TlsStreamReferences(
            KnownSymbols symbols, CloseTypes types, Func<HashSet<ILocalSymbol>> locals, Func<EntityTable?> fields, TlsOwners owners, Tls001Sites tls001, ISymbol owner)
            : base(symbols, types)
        {
            _locals = new Lazy<HashSet<ILocalSymbol>>(locals, isThreadSafe: false);
            _fields = new Lazy<EntityTable?>(fields, isThreadSafe: false);
            _owners = owners;
            _assembly = owner.ContainingAssembly;
            _tls001 = tls001;
            _owner = owner;
        }

        protected override Verdict HoldsTlsUntyped(IOperation expression)
        {
            var known = OperationHelpers.ReferencedSymbol(expression) switch
            {
                ILocalSymbol local => _locals.Value.Contains(local),
                IFieldSymbol field => _fields.Value is { } fields && fields.IndexOf(field) >= 0,
                _ => false,
            };

            // A Stream, IDisposable or owner (StreamWriter, PipeWriter...) given its stream elsewhere: the flow model tells.
            return known ? Verdict.Yes : MayCarry(expression.Type) ? Verdict.Unknown : Verdict.No;
        }

        public override Verdict IsOwner(ITypeSymbol? type)
        {
            if (_owners.IsOwner(type))
            {
                return Verdict.Yes;
            }

            // A class of the compilation may keep one in a Stream field given it elsewhere, or own an owner.
            return type is { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _assembly)
                ? Verdict.Unknown
                : Verdict.No;
        }

        public override Verdict Tls001Reports(IOperation disposal, IOperation? receiver) => _tls001.Reports(disposal, receiver, _owner, acrossMethods: false);

        public override (Verdict Raises, string? What) CallRaises(IInvocationOperation call, int depth) =>
            SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingAssembly, _assembly) || IsOwner(OperationHelpers.ResolveReceiver(call.Instance)?.Type) != Verdict.No
                ? (Verdict.Unknown, CloseFinder.DescribeCall(call))
                : (Verdict.No, null);

        public override (Verdict Raises, string? What) DisposalRaises(IOperation resource, bool asynchronous, int depth) =>
            (IsOwner(resource.Type) == Verdict.No ? Verdict.No : Verdict.Unknown, CloseFinder.Describe(resource));

        private bool MayCarry(ITypeSymbol? type) => Symbols.CanHoldSslStream(type) || Symbols.IsOwnerLike(type);
    }
}
