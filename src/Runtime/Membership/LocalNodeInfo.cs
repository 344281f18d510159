using Im.Orleans.Runtime;

namespace Im.Orleans.Membership;

/// <summary>What this node writes about itself into the membership table.</summary>
internal sealed record LocalNodeInfo(string NodeId, NodeRole Role, string Host, int Port);
