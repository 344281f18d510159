namespace Im.Orleans.Cluster.Tests.Grains;

/// <summary>An application exception with a code, like the chat's ChatException, that must keep its type across processes.</summary>
public sealed class CodedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
