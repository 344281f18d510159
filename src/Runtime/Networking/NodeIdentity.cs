namespace Im.Orleans.Networking;

/// <summary>Who is at the other end of a connection: its node id and its role ("silo" or "gateway").</summary>
internal sealed record NodeIdentity(string NodeId, string Role)
{
    public const string SiloRole = "silo";
    public const string GatewayRole = "gateway";

    public override string ToString() => $"{NodeId} ({Role})";
}
