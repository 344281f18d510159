namespace Im.Orleans.Gateway.Auth;

/// <summary>POST /api/auth/register body.</summary>
public sealed record RegisterRequest(string? UserId, string? Password, string? DisplayName);
