namespace Im.Orleans.Networking;

/// <summary>The first frame each side writes on a new connection: the sender's identity and cluster.</summary>
internal sealed record Hello(string ClusterId, NodeIdentity Node);
