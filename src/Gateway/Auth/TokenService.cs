using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Im.Orleans.Gateway.Auth;

/// <summary>Issues the HS256 JWTs of protocol v1 (sub = user id, name, role, exp) and says how JwtBearer validates them.</summary>
public sealed class TokenService(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(string userId, string displayName, string role)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var expires = now + (role == ChatRoles.Guest ? o.GuestTokenLifetime : o.TokenLifetime);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { [SubjectClaim] = userId, [NameClaim] = displayName, [RoleClaim] = role },
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        };
        // exp has whole-second precision; answer the value the token really carries.
        return new IssuedToken(userId, _handler.CreateToken(descriptor), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>What JwtBearer checks: our issuer, audience and key, HS256 only, and exp/nbf against the injected clock.</summary>
    public TokenValidationParameters ValidationParameters()
    {
        var o = options.Value;
        return new TokenValidationParameters
        {
            ValidIssuer = o.Issuer,
            ValidAudience = o.Audience,
            IssuerSigningKey = keys.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            // Lifetime is checked against the injected clock, not DateTime.UtcNow, so tests can move time.
            LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires, o.ClockSkew),
        };
    }

    /// <summary>
    /// The principal the app works with for a validated token (name identifier = sub, name, role), or null when the
    /// token lacks a valid user id or a known role.
    /// </summary>
    public static ClaimsPrincipal? ToChatPrincipal(ClaimsPrincipal token, string authenticationType)
    {
        var sub = token.FindFirst(SubjectClaim)?.Value;
        var role = token.FindFirst(RoleClaim)?.Value;
        if (!UserIdRules.IsValid(sub)) return null;
        if (role is null || !ChatRoles.All.Contains(role)) return null;
        var identity = new ClaimsIdentity(authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, sub!));
        identity.AddClaim(new Claim(ClaimTypes.Name, token.FindFirst(NameClaim)?.Value ?? sub!));
        identity.AddClaim(new Claim(ClaimTypes.Role, role));
        return new ClaimsPrincipal(identity);
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null || expires.Value.ToUniversalTime() + skew < now) return false;
        return notBefore is null || notBefore.Value.ToUniversalTime() - skew <= now;
    }
}
