using System.IO;
using System.Net.Security;

namespace Drivers
{
    // A read loop that takes a read error for the end of the data (it hides a truncated stream).
    public static class ReadLoop
    {
        public static int CountBytes(SslStream ssl)
        {
            var buffer = new byte[4096];
            var total = 0;
            while (true)
            {
                int read;
                try
                {
                    read = ssl.Read(buffer, 0, buffer.Length);
                }
                catch (IOException)
                {
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
    }
}
