using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CloseNotify.Runtime.Tests.OpenSsl
{
    /// <summary>The OpenSSL tests need the <c>openssl</c> command and <c>libssl.so.3</c>. Without them they fail (never
    /// skip) with a message that says how to install them.</summary>
    internal static class Prerequisites
    {
        private static readonly Lazy<string?> Missing = new Lazy<string?>(Check);

        public static void Require()
        {
            if (Missing.Value is { } missing)
            {
                throw new InvalidOperationException(
                    $"OpenSSL prerequisites missing: {missing}. Run eng/prerequisites.sh (it installs Debian's openssl and libssl3).");
            }
        }

        private static string? Check()
        {
            if (!NativeLibrary.TryLoad(LibSsl.Ssl, out var ssl))
            {
                return $"{LibSsl.Ssl} cannot be loaded";
            }

            NativeLibrary.Free(ssl);
            try
            {
                using var process = Process.Start(new ProcessStartInfo("openssl", "version")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process == null || !process.WaitForExit(10_000) || process.ExitCode != 0)
                {
                    return "'openssl version' did not run";
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return $"the openssl command was not found ({e.Message})";
            }

            return null;
        }
    }
}
