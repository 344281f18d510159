namespace Im.Orleans.Runtime;

/// <summary>This process's identity in the cluster, used to route calls back to its observer objects.</summary>
internal sealed class LocalNode
{
    public string Id { get; } = Guid.NewGuid().ToString("N")[..16];
}
