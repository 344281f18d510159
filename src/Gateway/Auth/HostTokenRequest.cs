namespace Im.Orleans.Gateway.Auth;

/// <summary>POST /api/auth/token body: a host system vouches for one of its users.</summary>
public sealed record HostTokenRequest(string? UserId, string? DisplayName, string? Role);
