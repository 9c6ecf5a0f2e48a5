using System.Collections.Generic;
using System.Text;

namespace CloseNotify.Bench
{
    /// <summary>
    /// A deterministic code base that looks like an application with a network layer: mostly ordinary
    /// code (models, services with loops, LINQ, string work, exceptions), and one file in twenty that talks
    /// TLS (SslStream fields and locals, using blocks, try/catch around closes, an OpenSSL P/Invoke).
    /// </summary>
    internal static class CodeBaseGenerator
    {
        public static List<string> Generate(int files, bool withTls)
        {
            var sources = new List<string>(files);
            for (var i = 0; i < files; i++)
            {
                sources.Add(withTls && i % 20 == 7 ? TlsFile(i) : OrdinaryFile(i));
            }

            return sources;
        }

        private static string OrdinaryFile(int i)
        {
            var code = new StringBuilder();
            code.Append($@"using System;
using System.Collections.Generic;
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
