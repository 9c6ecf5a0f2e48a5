using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// Methods of the compilation that only ever run as cleanup after a failure: every call of them is made inside a catch
    /// block (<c>catch { DisposeQuietly(stream); throw; }</c>), or hands them the exception they handle
    /// (<c>HandleFailure(ex)</c>). What such a method disposes, it disposes on a path that began with a failure, where no
    /// close_notify is owed (a failed handshake, a broken connection). Only methods that take an exception or a stream are
    /// followed: a parameterless private helper is walked from its callers instead.
    /// </summary>
    internal sealed class CleanupCallers
    {
        private const int None = -2;
        private const int StreamOnly = -1;

        private readonly ValueSources _sources;
        private readonly INamedTypeSymbol? _exception;

        // Per method definition: the index of its first Exception parameter, StreamOnly, or None (not followed). Asked at
        // nearly every call of the compilation's own methods: keyed by reference (a definition is one object per
        // compilation), which costs a fraction of the symbol comparer's hash and equality (issue 26's cost, docs/cost.md).
        private readonly ConcurrentDictionary<IMethodSymbol, int> _shapes = new ConcurrentDictionary<IMethodSymbol, int>(ByReference.Instance);

        // Per followed method definition: whether every call seen so far is cleanup.
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _onlyCleanup = new ConcurrentDictionary<IMethodSymbol, bool>(ByReference.Instance);

        private readonly Func<IMethodSymbol, int> _classify;

        public CleanupCallers(ValueSources sources, Compilation compilation)
        {
            _sources = sources;
            _exception = compilation.GetTypeByMetadataName("System.Exception");
            _classify = Classify;
        }

        /// <summary>Reads one call (the rule's invocation callback); cheap for the calls of other assemblies and the
        /// parameterless ones, which are nearly all.</summary>
        public void Note(IInvocationOperation invocation)
        {
            // The operation's arguments, not the method's parameters: the public symbol makes a new array at each read.
            var method = invocation.TargetMethod;
            if (invocation.Arguments.IsEmpty || !_sources.IsSource(method))
            {
                return;
            }

            method = method.OriginalDefinition;
            var shape = _shapes.GetOrAdd(method, _classify);
            if (shape == None)
            {
                return;
            }

            var cleanup = OperationHelpers.IsInsideCatch(invocation) || (shape >= 0 && PassesException(invocation, shape));
            _onlyCleanup.AddOrUpdate(method, cleanup, (_, earlier) => earlier && cleanup);
        }

        /// <summary>Does the method take an exception (the shape whose calls may hand it the one they handle)? A method that
        /// does not cannot be cleanup in that sense, whatever its callers; cheap, and cached.</summary>
        public bool TakesException(IMethodSymbol method) =>
            !method.Parameters.IsEmpty && _sources.IsSource(method) && _shapes.GetOrAdd(method.OriginalDefinition, Classify) >= 0;

        /// <summary>Every call of the method in the compilation is cleanup after a failure (and there is at least one).</summary>
        public bool IsCleanupOnly(IMethodSymbol method) => _onlyCleanup.TryGetValue(method.OriginalDefinition, out var only) && only;

        private int Classify(IMethodSymbol method)
        {
            var shape = None;
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                var type = method.Parameters[i].Type;
                if (_exception != null && IsException(type))
                {
                    return i;
                }

                if (shape == None && _sources.IsRelevant(type))
                {
                    shape = StreamOnly;
                }
            }

            return shape;
        }

        private bool IsException(ITypeSymbol type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, _exception))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The call gives the exception parameter a value that is not null (an omitted optional one is).</summary>
        private sealed class ByReference : IEqualityComparer<IMethodSymbol>
        {
            public static readonly ByReference Instance = new ByReference();

            public bool Equals(IMethodSymbol? x, IMethodSymbol? y) => ReferenceEquals(x, y);

            public int GetHashCode(IMethodSymbol obj) => RuntimeHelpers.GetHashCode(obj);
        }

        private static bool PassesException(IInvocationOperation invocation, int index)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && parameter.Ordinal == index)
                {
                    return argument.ArgumentKind != ArgumentKind.DefaultValue
                        && OperationHelpers.StripConversions(argument.Value) is { } value
                        && value.ConstantValue is not { HasValue: true, Value: null } && value is not IDefaultValueOperation;
                }
            }

            return false;
        }
    }
}
