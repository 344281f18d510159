namespace Im.Orleans.Storage;

/// <summary>A storage provider failed (unreachable, corrupt payload, …); the message names the provider, state and grain.</summary>
public sealed class GrainStorageException : Exception
{
    public GrainStorageException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public GrainStorageException(string message) : base(message)
    {
    }
}
