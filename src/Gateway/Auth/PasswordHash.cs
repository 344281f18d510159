namespace Im.Orleans.Gateway.Auth;

/// <summary>A stored password: base64 hash and salt, and the iteration count used.</summary>
public sealed record PasswordHash(string Hash, string Salt, int Iterations);
