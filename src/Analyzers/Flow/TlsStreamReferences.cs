using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>Answers "is this expression a TLS stream?" for one method: by type, or by what its local or field was assigned.</summary>
    internal sealed class TlsStreamReferences
    {
        private readonly KnownSymbols _symbols;
        private readonly HashSet<ILocalSymbol> _locals;
        private readonly EntityTable? _fields;
        private readonly TlsOwners _owners;

        public TlsStreamReferences(KnownSymbols symbols, HashSet<ILocalSymbol> locals, EntityTable? fields, TlsOwners owners)
        {
            _symbols = symbols;
            _locals = locals;
            _fields = fields;
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
                    return _locals.Contains(local);
                case IFieldSymbol field:
                    return _fields != null && _fields.IndexOf(field) >= 0;
                default:
                    return false;
            }
        }
    }
}
