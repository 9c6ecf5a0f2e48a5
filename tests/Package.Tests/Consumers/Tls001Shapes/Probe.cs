using System.IO;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;

namespace Shapes
{
    // One request, one reply: the value returned reads the stream that the using disposes.
    public static class Probe
    {
        public static async Task<int> FirstByteAsync(Stream transport, string host, CancellationToken cancellationToken)
        {
            using (var ssl = new SslStream(transport, false, (sender, certificate, chain, errors) => true))
            {
                await ssl.AuthenticateAsClientAsync(host).ConfigureAwait(false);
                await ssl.WriteAsync(new byte[] { 1 }, 0, 1, cancellationToken).ConfigureAwait(false);
                return await ReadByteAsync(ssl, cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task<int> ReadByteAsync(Stream stream, CancellationToken cancellationToken)
        {
            var buffer = new byte[1];
            var read = await stream.ReadAsync(buffer, 0, 1, cancellationToken).ConfigureAwait(false);
            return read == 0 ? -1 : buffer[0];
        }
    }
}
