using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace CloseNotify.Bench
{
    /// <summary>
    /// A deterministic code base that looks like an application with a network layer: mostly ordinary
    /// code (models, services with loops, LINQ, string work, exceptions), and one file in twenty (or in N) that talks
    /// TLS (SslStream fields and locals, using blocks, try/catch around closes, an OpenSSL P/Invoke).
    /// </summary>
    internal static class CodeBaseGenerator
    {
        /// <summary>The code base: <paramref name="files"/> files, one in <paramref name="tlsEvery"/> (twenty by
        /// default) talking TLS when <paramref name="withTls"/>.</summary>
        public static List<string> Generate(int files, bool withTls, int tlsEvery = 20)
        {
            var sources = new List<string>(files);
            for (var i = 0; i < files; i++)
            {
                sources.Add(withTls && i % tlsEvery == 7 % tlsEvery ? TlsFile(i) : OrdinaryFile(i));
            }

            return sources;
        }

        /// <summary>
        /// Writes the code base as a library project into <paramref name="directory"/> (File0.cs... and
        /// Generated.csproj: net10.0, nullable off like the in-memory compilation) for a real <c>dotnet build</c>;
        /// one file in <paramref name="tlsEvery"/> talks TLS, none when it is 0. Empty Directory.Build.* and
        /// Directory.Packages.props files and a root .editorconfig keep out the settings of the folders above
        /// (this repository's TreatWarningsAsErrors and central package versions, when written under it).
        /// </summary>
        public static void WriteProject(string directory, int files, int tlsEvery)
        {
            Directory.CreateDirectory(directory);
            foreach (var old in Directory.GetFiles(directory, "File*.cs"))
            {
                File.Delete(old);
            }

            var sources = Generate(files, withTls: tlsEvery > 0, tlsEvery: Math.Max(tlsEvery, 1));
            for (var i = 0; i < sources.Count; i++)
            {
                File.WriteAllText(Path.Combine(directory, $"File{i}.cs"), sources[i]);
            }

            File.WriteAllText(Path.Combine(directory, "Generated.csproj"), @"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>disable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
  </PropertyGroup>
</Project>
");
            foreach (var empty in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                File.WriteAllText(Path.Combine(directory, empty), "<Project />\n");
            }

            File.WriteAllText(Path.Combine(directory, ".editorconfig"), "root = true\n");
        }

        private static string OrdinaryFile(int i)
        {
            var code = new StringBuilder();
            code.Append($@"using System;
using System;
using System.Collections.Generic;
using System.IO;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace App.Module{i % 37}
{{
    public sealed class Order{i}
    {{
        public int Id {{ get; set; }}
        public string Customer {{ get; set; }} = """";
        public List<decimal> Lines {{ get; }} = new List<decimal>();
        public decimal Total => Lines.Sum();
    }}

    public sealed class OrderService{i} : IDisposable
    {{
        private readonly Dictionary<int, Order{i}> _orders = new Dictionary<int, Order{i}>();
        private readonly MemoryStream _journal = new MemoryStream();
");
            for (var m = 0; m < 6; m++)
            {
                code.Append($@"
        public async Task<decimal> Process{m}Async(IEnumerable<Order{i}> batch, int limit)
        {{
            decimal sum = 0;
            var names = new StringBuilder();
            foreach (var order in batch.Where(o => o.Id % {m + 2} == 0).Take(limit))
            {{
                if (!_orders.TryGetValue(order.Id, out var known))
                {{
                    _orders[order.Id] = order;
                    known = order;
                }}

                try
                {{
                    sum += known.Total * {m + 1}m;
                    names.Append(known.Customer.Trim().ToUpperInvariant()).Append(';');
                    using (var writer = new StreamWriter(new MemoryStream(), Encoding.UTF8))
                    {{
                        await writer.WriteLineAsync(names.ToString());
                    }}
                }}
                catch (OverflowException ex)
                {{
                    throw new InvalidOperationException(""overflow in order "" + order.Id, ex);
                }}
            }}

            for (var k = 0; k < limit; k++)
            {{
                switch (k % 3)
                {{
                    case 0: sum += k; break;
                    case 1: sum -= k / 2m; break;
                    default: sum *= 1.0001m; break;
                }}
            }}

            _journal.WriteByte((byte)(sum % 255));
            return Math.Round(sum, 2);
        }}
");
            }

            code.Append(@"
        public void Dispose() => _journal.Dispose();
    }
}
");
            return code.ToString();
        }

        private static string TlsFile(int i) => $@"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace App.Network{i}
{{
    internal static class Native{i}
    {{
        [DllImport(""libssl.so.3"", EntryPoint = ""SSL_shutdown"")]
        public static extern int Shutdown(IntPtr ssl);
    }}

    public sealed class Driver{i} : IDisposable
    {{
        private Stream _stream;
        private IntPtr _ssl;

        public async Task ConnectAsync(TcpClient tcp, bool useTls)
        {{
            _stream = tcp.GetStream();
            if (useTls)
            {{
                var ssl = new SslStream(_stream);
                await ssl.AuthenticateAsClientAsync(""db{i}.example"");
                _stream = ssl;
            }}
        }}

        public Task SendAsync(byte[] message) => _stream.WriteAsync(message, 0, message.Length);

        public async Task<int> QueryAsync(TcpClient tcp, byte[] request)
        {{
            using (var ssl = new SslStream(tcp.GetStream()))
            {{
                await ssl.AuthenticateAsClientAsync(""api{i}.example"");
                await ssl.WriteAsync(request, 0, request.Length);
                var first = ssl.ReadByte();
                if (first < 0)
                    return -1;
                try
                {{
                    await ssl.ShutdownAsync();
                }}
                catch
                {{
                }}

                return first;
            }}
        }}

        public void CloseNative()
        {{
            Native{i}.Shutdown(_ssl);
        }}

        public void Dispose()
        {{
            _stream?.Close();
            _stream?.Dispose();
        }}
    }}
}}
";
    }
}
