// An async client of the shape measured in issue 25: its TLS stream is read and written through pipes completed in
// CloseAsync/Abort (TLS001 there, with no fix today), beside disposals that have one. dotnet format met a pipe completion
// first and fixed nothing in the file.
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace FixAllConsumer
{
    public sealed class MqttLikeClient
    {
        private readonly TcpClient _tcp = new TcpClient();
        private SslStream _ssl;
        private PipeReader _reader;
        private PipeWriter _writer;

        public async Task ConnectAsync(string host)
        {
            await _tcp.ConnectAsync(host, 8883);
            _ssl = new SslStream(_tcp.GetStream());
            await _ssl.AuthenticateAsClientAsync(host);
            _reader = PipeReader.Create(_ssl);
            _writer = PipeWriter.Create(_ssl);
        }

        public async Task CloseAsync()
        {
            await _reader.CompleteAsync();
            await _writer.CompleteAsync();
        }

        public void Abort()
        {
            _reader.Complete();
            _writer.Complete();
        }

        public static void Probe(TcpClient tcp, string host)
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(host);
            ssl.Dispose();
        }

        public static async Task PingAsync(TcpClient tcp, string host)
        {
            using (var ssl = new SslStream(tcp.GetStream()))
            {
                await ssl.AuthenticateAsClientAsync(host);
                ssl.WriteByte(0xC0);
            }
        }
    }
}
