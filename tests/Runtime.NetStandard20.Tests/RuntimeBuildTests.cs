using System.Reflection;
using System.Runtime.Versioning;

namespace CloseNotify.Runtime.Tests
{
    /// <summary>This project's tests prove something only if they ran against the netstandard2.0 build.</summary>
    public sealed class RuntimeBuildTests
    {
        [Fact]
        public void Runtime_under_test_is_the_netstandard2_0_build()
        {
            var target = typeof(TlsClose).Assembly.GetCustomAttribute<TargetFrameworkAttribute>();

            Assert.Equal(".NETStandard,Version=v2.0", target?.FrameworkName);
        }
    }
}
