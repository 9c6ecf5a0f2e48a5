using System.Net.Security;

namespace Consumer
{
    // TLS003: every error of the close swallowed.
    public class Tls003Misuse
    {
        public void Close(SslStream ssl)
        {
            try
            {
                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
            catch
            {
                /* ignored */
            }
        }
    }
}
