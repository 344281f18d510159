namespace Im.Orleans.Gateway.Auth;

/// <summary>POST /api/auth/login body.</summary>
public sealed record LoginRequest(string? UserId, string? Password);
