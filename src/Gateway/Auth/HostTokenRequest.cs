namespace Im.Orleans.Gateway.Auth;

/// <summary>POST /api/auth/token body: a host system vouches for one of its users.</summary>
/// <param name="Attributes">Facts about the user agents see in a service case (order id, shop…); given = replaces the stored ones, absent = kept.</param>
public sealed record HostTokenRequest(string? UserId, string? DisplayName, string? Role, Dictionary<string, string>? Attributes = null);
