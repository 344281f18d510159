namespace Im.Orleans.Gateway.Auth;

/// <summary>What every auth endpoint answers: <c>{userId, token, expiresAt}</c>.</summary>
public sealed record IssuedToken(string UserId, string Token, DateTimeOffset ExpiresAt);
