using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CloseNotify.Bench
{
    /// <summary>
    /// The memory diagnoser counts bytes, not objects. To tell how many objects the graceful close allocates
    /// beyond the hand-written one, this measures the size of the one object every asynchronous call of
    /// <c>TlsClose.GracefulAsync</c> must allocate: the box of its async state machine (the returned task).
    /// </summary>
    internal static class AllocationProbe
    {
        public static string GracefulStateMachineBoxBytes()
        {
            var stateMachine = typeof(TlsClose).GetNestedTypes(BindingFlags.NonPublic)
                .FirstOrDefault(t => t.Name.Contains("GracefulCoreAsync", StringComparison.Ordinal) && typeof(IAsyncStateMachine).IsAssignableFrom(t));
            var boxDefinition = typeof(AsyncTaskMethodBuilder<>).GetNestedType("AsyncStateMachineBox`1", BindingFlags.NonPublic);
            if (stateMachine == null || boxDefinition == null)
            {
                return "n/a (state machine or box type not found)";
            }

            var box = boxDefinition.MakeGenericType(typeof(TlsCloseResult), stateMachine);
            _ = RuntimeHelpers.GetUninitializedObject(box); // type loaded, nothing else left to allocate
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = RuntimeHelpers.GetUninitializedObject(box);
            return (GC.GetAllocatedBytesForCurrentThread() - before).ToString();
        }
    }
}
