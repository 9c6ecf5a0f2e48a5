using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CloseNotify.CodeFixes
{
    /// <summary>
    /// The TLS stream a fix closes, as an expression at the disposal site. The diagnostic may name the stream itself or
    /// an owner of it: a <c>StreamReader</c>/<c>StreamWriter</c> (or binary one) closes through <c>BaseStream</c>, after
    /// a writer's buffered bytes were flushed (its disposal would flush them into a closed stream). Null where the
    /// stream cannot be reached: an owner with no accessor (a pipe, a TextWriter-typed field, a compression or crypto
    /// stream whose disposal still writes its final block), or a stream field that holds a wrapper, whose close would
    /// only dispose the wrapper and send nothing.
    /// </summary>
    internal sealed class StreamTarget
    {
        // Owners whose BaseStream is the stream they were made over, in every target framework; the writers buffer.
        private static readonly string[] Readers = { "System.IO.StreamReader", "System.IO.BinaryReader" };
        private static readonly string[] Writers = { "System.IO.StreamWriter", "System.IO.BinaryWriter" };

        private StreamTarget(ExpressionSyntax expression, Flushable? flushFirst, bool typedAsStream, ISymbol symbol)
        {
            Expression = expression;
            FlushFirst = flushFirst;
            TypedAsStream = typedAsStream;
            Symbol = symbol;
        }

        /// <summary>What the close takes: the stream, or <c>owner.BaseStream</c>.</summary>
        public ExpressionSyntax Expression { get; }

        /// <summary>The same where the reference may be null and the close accepts null: <c>owner?.BaseStream</c>.</summary>
        public ExpressionSyntax NullSafeExpression => Owner == null
            ? Expression
            : SyntaxFactory.ConditionalAccessExpression(Owner, SyntaxFactory.MemberBindingExpression(SyntaxFactory.IdentifierName("BaseStream")));

        /// <summary>What a null test tests: the stream, or its owner.</summary>
        public ExpressionSyntax Guarded => Owner ?? Expression;

        /// <summary>The owner whose BaseStream is closed, or null when the target is the stream itself.</summary>
        public ExpressionSyntax? Owner { get; private set; }

        /// <summary>A writer to flush before the close, or null.</summary>
        public Flushable? FlushFirst { get; }

        /// <summary>Declared as a Stream (not an SslStream): the BCL close needs an <c>is SslStream</c> test.</summary>
        public bool TypedAsStream { get; }

        /// <summary>The symbol the diagnostic names (the stream, or its owner).</summary>
        public ISymbol Symbol { get; }

        /// <summary>Whether the close disposes the symbol itself, so that its own disposal after the close is redundant.</summary>
        public bool IsSelf => Owner == null;

        public static StreamTarget? Resolve(SemanticModel model, ISymbol symbol, ExpressionSyntax reference)
        {
            var type = TypeOf(symbol);
            var compilation = model.Compilation;
            var sslStream = compilation.GetTypeByMetadataName("System.Net.Security.SslStream");
            var stream = compilation.GetTypeByMetadataName("System.IO.Stream");
            if (type == null || sslStream == null || stream == null)
            {
                return null;
            }

            if (SymbolTests.DerivesFrom(type, sslStream))
            {
                return new StreamTarget(reference, null, false, symbol);
            }

            if (type is INamedTypeSymbol named && SymbolTests.DerivesFrom(named, stream) && SymbolTests.DerivesFrom(sslStream, named))
            {
                // A Stream-typed holder: only what it is assigned tells whether the TLS stream itself is in it.
                return HoldsOnlyTlsStreams(model, symbol, sslStream, depth: 0) ? new StreamTarget(reference, null, true, symbol) : null;
            }

            var isWriter = Writers.Any(n => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, compilation.GetTypeByMetadataName(n)));
            var isReader = Readers.Any(n => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, compilation.GetTypeByMetadataName(n)));
            if (!(isWriter || isReader) || !OwnsTlsStreamDirectly(model, symbol, sslStream))
            {
                return null;
            }

            var baseStream = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, reference, SyntaxFactory.IdentifierName("BaseStream"));
            return new StreamTarget(baseStream, isWriter ? new Flushable(reference, type) : null, true, symbol) { Owner = reference };
        }

        private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        /// <summary>Every value the holder is given (null aside) may be the TLS stream itself: none is a stream of another
        /// kind made here (a wrapper, a BufferedStream), nor a symbol that holds one.</summary>
        private static bool HoldsOnlyTlsStreams(SemanticModel model, ISymbol symbol, INamedTypeSymbol sslStream, int depth)
        {
            foreach (var value in AssignedValues(model, symbol))
            {
                var (valueModel, expression) = value;
                var type = valueModel.GetTypeInfo(expression).Type;
                if (expression is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax && type != null && !SymbolTests.DerivesFrom(type, sslStream))
                {
                    return false;
                }

                if (depth < 2 && valueModel.GetSymbolInfo(expression).Symbol is ILocalSymbol or IFieldSymbol or IPropertySymbol && type != null
                    && !SymbolTests.DerivesFrom(type, sslStream) && !HoldsOnlyTlsStreams(valueModel, valueModel.GetSymbolInfo(expression).Symbol!, sslStream, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Every reader or writer the owner is given was made over the TLS stream itself (not over a buffer or
        /// another owner of it), so that its BaseStream is the stream to close.</summary>
        private static bool OwnsTlsStreamDirectly(SemanticModel model, ISymbol owner, INamedTypeSymbol sslStream)
        {
            var any = false;
            foreach (var (valueModel, expression) in AssignedValues(model, owner))
            {
                if (valueModel.GetOperation(expression) is not Microsoft.CodeAnalysis.Operations.IObjectCreationOperation { Arguments.Length: > 0 } creation)
                {
                    // Made elsewhere (a parameter, a factory): what it owns cannot be seen.
                    return false;
                }

                var argument = creation.Arguments.First(a => a.Parameter?.Ordinal == 0).Value;
                while (argument is Microsoft.CodeAnalysis.Operations.IConversionOperation conversion)
                {
                    argument = conversion.Operand;
                }

                var argumentType = argument.Type;
                var ok = argumentType != null && (SymbolTests.DerivesFrom(argumentType, sslStream)
                    || (argument is not Microsoft.CodeAnalysis.Operations.IObjectCreationOperation
                        && SymbolTests.Referenced(argument) is { } held && HoldsOnlyTlsStreams(valueModel, held, sslStream, depth: 1)));
                if (!ok)
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        /// <summary>The values a local, field or property is given in source (initializers and simple assignments), each with
        /// the semantic model of its tree; nothing for a parameter.</summary>
        internal static IEnumerable<(SemanticModel Model, ExpressionSyntax Value)> AssignedValues(SemanticModel model, ISymbol symbol)
        {
            var scopes = symbol switch
            {
                ILocalSymbol local => local.DeclaringSyntaxReferences
                    .Select(r => r.GetSyntax().FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax) ?? r.GetSyntax()),
                IFieldSymbol or IPropertySymbol => symbol.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()),
                _ => Enumerable.Empty<SyntaxNode>(),
            };
            foreach (var scope in scopes)
            {
                var scopeModel = scope.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(scope.SyntaxTree);
                foreach (var node in scope.DescendantNodesAndSelf())
                {
                    var value = node switch
                    {
                        VariableDeclaratorSyntax { Initializer.Value: var initial } declarator when IsSymbol(scopeModel.GetDeclaredSymbol(declarator), symbol) => initial,
                        PropertyDeclarationSyntax { Initializer.Value: var initial } property when IsSymbol(scopeModel.GetDeclaredSymbol(property), symbol) => initial,
                        AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                            when IsSymbol(scopeModel.GetSymbolInfo(assignment.Left).Symbol, symbol) => assignment.Right,
                        _ => null,
                    };
                    value = Unwrap(value);
                    if (value != null && !value.IsKind(SyntaxKind.NullLiteralExpression) && !value.IsKind(SyntaxKind.DefaultLiteralExpression))
                    {
                        yield return (scopeModel, value);
                    }
                }
            }
        }

        private static ExpressionSyntax? Unwrap(ExpressionSyntax? value)
        {
            while (true)
            {
                switch (value)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        value = parenthesized.Expression;
                        break;
                    case CastExpressionSyntax cast:
                        value = cast.Expression;
                        break;
                    case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression } asExpression:
                        value = asExpression.Left;
                        break;
                    case AwaitExpressionSyntax awaited:
                        value = awaited.Expression;
                        break;
                    default:
                        return value;
                }
            }
        }

        private static bool IsSymbol(ISymbol? found, ISymbol symbol) =>
            found != null && SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, symbol.OriginalDefinition);

    }

    /// <summary>An owner that buffers writes, to flush before the close, and its type.</summary>
    internal sealed class Flushable
    {
        public Flushable(ExpressionSyntax expression, ITypeSymbol type)
        {
            Expression = expression;
            Type = type;
        }

        public ExpressionSyntax Expression { get; }

        public ITypeSymbol Type { get; }
    }

    internal enum OwnerKind
    {
        /// <summary>Not an owner a close must be ordered with.</summary>
        None,

        /// <summary>Buffers writes (StreamWriter, BinaryWriter, BufferedStream): flushed before the close.</summary>
        Buffers,

        /// <summary>Writes or completes when disposed (a compression or crypto stream's last block, a pipe's pending
        /// bytes), after any close placed before it: no close fits there.</summary>
        NoPlace,
    }

    /// <summary>What disposing an owner of the TLS stream does besides disposing it.</summary>
    internal static class Owners
    {
        private static readonly string[] Buffering = { "System.IO.StreamWriter", "System.IO.BinaryWriter", "System.IO.BufferedStream" };

        private static readonly string[] WritingOnDispose =
        {
            "System.IO.Compression.GZipStream", "System.IO.Compression.DeflateStream", "System.IO.Compression.BrotliStream",
            "System.IO.Compression.ZLibStream", "System.Security.Cryptography.CryptoStream",
            "System.IO.Pipelines.PipeWriter", "System.IO.Pipelines.PipeReader",
        };

        public static OwnerKind Kind(ITypeSymbol? type, Compilation compilation)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (Buffering.Any(n => SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, compilation.GetTypeByMetadataName(n))))
                {
                    return OwnerKind.Buffers;
                }

                if (WritingOnDispose.Any(n => SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, compilation.GetTypeByMetadataName(n))))
                {
                    return OwnerKind.NoPlace;
                }
            }

            return OwnerKind.None;
        }
    }
}
