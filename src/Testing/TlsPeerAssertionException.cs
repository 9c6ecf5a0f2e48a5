using System;

namespace CloseNotify.Testing
{
    /// <summary>Thrown by the <see cref="TlsPeer"/> assertions when the connection did not end as expected. Every test
    /// framework (xunit, NUnit, MSTest) reports it as a failed test with its message, which says what happened on the
    /// wire.</summary>
    public sealed class TlsPeerAssertionException : Exception
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">What was expected and what happened on the wire.</param>
        /// <param name="report">The report the assertion read.</param>
        public TlsPeerAssertionException(string message, PeerCloseReport report)
            : base(message)
        {
            Report = report;
        }

        /// <summary>What the peer saw.</summary>
        public PeerCloseReport Report { get; }
    }
}
