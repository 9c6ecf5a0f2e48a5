using System.Runtime.CompilerServices;

namespace CloseNotify.Analyzers.Flow
{
    /// <summary>
    /// For the few methods the driver calls for nearly every operation of a compilation. A build compiles each
    /// project once, so tiered compilation would run them unoptimized (and then instrumented) for much of it.
    /// </summary>
    internal static class Jit
    {
        /// <summary>MethodImplOptions.AggressiveOptimization (.NET Core 3.0 and later; .NET Framework ignores it),
        /// which netstandard2.0 does not name: compile the method fully optimized at once.</summary>
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
