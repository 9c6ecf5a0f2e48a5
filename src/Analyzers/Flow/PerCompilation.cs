using System;
using System.Threading;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// State an analyzer builds once per compilation, on first use rather than in its compilation-start action: the
    /// first symbol lookups of a compilation wait for the compiler to bind its references, work the compiler does anyway
    /// and that is over by the time method bodies are analyzed. A cancelled build is not cached.
    /// </summary>
    internal sealed class PerCompilation<T>
        where T : class
    {
        private readonly Func<CancellationToken, T> _create;
        private readonly object _gate = new object();
        private T? _value;

        public PerCompilation(Func<CancellationToken, T> create) => _create = create;

        public T Get(CancellationToken cancellationToken)
        {
            var value = Volatile.Read(ref _value);
            if (value != null)
            {
                return value;
            }

            lock (_gate)
            {
                if (_value == null)
                {
                    Volatile.Write(ref _value, _create(cancellationToken));
                }

                return _value!;
            }
        }
    }
}
