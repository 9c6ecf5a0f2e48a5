using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Answers "is this expression a TLS stream?" for one method: by type, or by what its local or field was assigned.
    /// The method's locals and the type's fields are each read at the first question about a local or a field: most
    /// closes are on a typed stream, and reading a type's fields walks all of its bodies.
    /// </summary>
    internal sealed class TlsStreamReferences
    {
        private readonly KnownSymbols _symbols;
        private readonly Lazy<HashSet<ILocalSymbol>> _locals;
        private readonly Lazy<EntityTable?> _fields;
        private readonly TlsOwners _owners;

        public TlsStreamReferences(KnownSymbols symbols, Func<HashSet<ILocalSymbol>> locals, Func<EntityTable?> fields, TlsOwners owners)
        {
            _symbols = symbols;
            _locals = new Lazy<HashSet<ILocalSymbol>>(locals, isThreadSafe: false);
            _fields = new Lazy<EntityTable?>(fields, isThreadSafe: false);
            _owners = owners;
        }

        /// <summary>An object of the compilation's own that holds a TLS stream (see <see cref="TlsOwners"/>).</summary>
        public bool IsOwner(IOperation? expression) => _owners.IsOwner(OperationHelpers.StripConversions(expression)?.Type);

        public bool IsTls(IOperation? expression)
        {
            expression = OperationHelpers.StripConversions(expression);
            if (expression == null)
            {
                return false;
            }

            if (_symbols.IsSslStream(expression.Type))
            {
                return true;
            }

            switch (OperationHelpers.ReferencedSymbol(expression))
            {
                case ILocalSymbol local:
                    return _locals.Value.Contains(local);
                case IFieldSymbol field:
                    return _fields.Value is { } fields && fields.IndexOf(field) >= 0;
                default:
                    return false;
            }
        }
    }
}
