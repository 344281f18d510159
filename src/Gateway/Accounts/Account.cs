using Im.Orleans.Gateway.Auth;

namespace Im.Orleans.Gateway.Accounts;

/// <summary>A registered account: who, how they are called, their role and password hash.</summary>
public sealed record Account(string UserId, string DisplayName, string Role, PasswordHash Password, DateTimeOffset CreatedAt);
