using System.Security.Cryptography;
using System.Text;
using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>POST /api/auth/{guest,register,login,token}: each answers {userId, token, expiresAt}.</summary>
public static class AuthEndpoints
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth").AllowAnonymous();
        group.MapPost("/guest", Guest);
        group.MapPost("/register", Register);
        group.MapPost("/login", Login);
        group.MapPost("/token", HostToken);
        return routes;
    }

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>>> Guest(
        GuestRequest? request, TokenService tokens, IGrainFactory grains, IOptions<AuthOptions> options)
    {
        var name = request?.DisplayName?.Trim();
        if (DisplayNameError(name, options.Value) is { } error) return TypedResults.BadRequest(error);
        var userId = UserIdRules.GuestPrefix + Guid.NewGuid().ToString("N");
        await grains.GetGrain<IUserGrain>(userId).SetProfile(name!, null, ChatRoles.Guest);
        return TypedResults.Ok(tokens.Issue(userId, name!, ChatRoles.Guest));
    }

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>>> Register(
        RegisterRequest? request, TokenService tokens, IGrainFactory grains, IAccountStore accounts, PasswordHasher hasher,
        IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var userId = request?.UserId;
        if (!UserIdRules.IsValid(userId)) return TypedResults.BadRequest(ErrorResponse.Invalid("userId must be 3-64 characters of A-Z a-z 0-9 _ . @ -"));
        if (userId!.StartsWith(UserIdRules.GuestPrefix, StringComparison.OrdinalIgnoreCase)) return TypedResults.BadRequest(ErrorResponse.Invalid("userId may not start with guest-"));
        var password = request!.Password;
        if (password is null || password.Length < o.MinPasswordLength || password.Length > o.MaxPasswordLength)
            return TypedResults.BadRequest(ErrorResponse.Invalid($"password must be {o.MinPasswordLength}-{o.MaxPasswordLength} characters"));
        var name = string.IsNullOrWhiteSpace(request.DisplayName) ? userId : request.DisplayName.Trim();
        if (DisplayNameError(name, o) is { } error) return TypedResults.BadRequest(error);

        var account = new Account(userId, name, ChatRoles.User, hasher.Hash(password), time.GetUtcNow());
        if (!await accounts.TryCreateAsync(account, cancellationToken)) return TypedResults.Conflict(ErrorResponse.Conflict("userId is taken"));
        var role = SignInRole(account, o);
        await grains.GetGrain<IUserGrain>(userId).SetProfile(name, null, role);
        return TypedResults.Ok(tokens.Issue(userId, name, role));
    }

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>, UnauthorizedHttpResult>> Login(
        LoginRequest? request, TokenService tokens, IAccountStore accounts, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request?.UserId) || string.IsNullOrEmpty(request.Password))
            return TypedResults.BadRequest(ErrorResponse.Invalid("userId and password are required"));
        var account = UserIdRules.IsValid(request.UserId) ? await accounts.FindAsync(request.UserId, cancellationToken) : null;
        // One answer for unknown id and wrong password, so the endpoint does not reveal which ids exist.
        if (account is null || !PasswordHasher.Verify(request.Password, account.Password)) return TypedResults.Unauthorized();
        return TypedResults.Ok(tokens.Issue(account.UserId, account.DisplayName, SignInRole(account, options.Value)));
    }

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>, UnauthorizedHttpResult>> HostToken(
        HttpContext context, HostTokenRequest? request, TokenService tokens, IGrainFactory grains, IOptions<AuthOptions> options)
    {
        var o = options.Value;
        if (!IsKnownApiKey(context.Request.Headers[ApiKeyHeader].ToString(), o.ApiKeys)) return TypedResults.Unauthorized();
        if (!UserIdRules.IsValid(request?.UserId)) return TypedResults.BadRequest(ErrorResponse.Invalid("userId must be 3-64 characters of A-Z a-z 0-9 _ . @ -"));
        var role = string.IsNullOrEmpty(request!.Role) ? ChatRoles.User : request.Role;
        if (!ChatRoles.All.Contains(role)) return TypedResults.BadRequest(ErrorResponse.Invalid("role must be guest, user, agent or operator"));
        var name = string.IsNullOrWhiteSpace(request.DisplayName) ? request.UserId! : request.DisplayName.Trim();
        if (DisplayNameError(name, o) is { } error) return TypedResults.BadRequest(error);
        await grains.GetGrain<IUserGrain>(request.UserId!).SetProfile(name, null, role);
        return TypedResults.Ok(tokens.Issue(request.UserId!, name, role));
    }

    private static string SignInRole(Account account, AuthOptions options) =>
        options.Operators.Contains(account.UserId, StringComparer.Ordinal) ? ChatRoles.Operator : account.Role;

    private static ErrorResponse? DisplayNameError(string? name, AuthOptions options) =>
        string.IsNullOrWhiteSpace(name) ? ErrorResponse.Invalid("displayName is required")
        : name.Length > options.MaxDisplayNameLength ? ErrorResponse.Invalid($"displayName must be at most {options.MaxDisplayNameLength} characters")
        : name.Any(char.IsControl) ? ErrorResponse.Invalid("displayName may not contain control characters")
        : null;

    // Constant-time comparison over every configured key, so timing does not reveal a key's prefix.
    private static bool IsKnownApiKey(string presented, string[] keys)
    {
        if (string.IsNullOrEmpty(presented)) return false;
        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        var match = false;
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(key)) continue;
            match |= CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(key));
        }
        return match;
    }
}
