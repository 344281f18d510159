namespace Im.Orleans.Networking;

/// <summary>A dial to a node failed (refused, timed out, handshake refused or wrong node at the address); the message names the node and endpoint.</summary>
internal sealed class ConnectionFailedException : Exception
{
    public ConnectionFailedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
