namespace Im.Orleans.Runtime;

/// <summary>A grain in another process failed with an exception this process cannot rebuild; keeps its type name and message.</summary>
public sealed class RemoteGrainException(string remoteType, string message) : Exception(message)
{
    /// <summary>The full name of the exception type thrown in the other process.</summary>
    public string RemoteType { get; } = remoteType;
}
