namespace Im.Orleans.Gateway.Auth;

/// <summary>POST /api/auth/guest body.</summary>
public sealed record GuestRequest(string? DisplayName);
