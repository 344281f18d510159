using System.Security.Cryptography;
using System.Text;
using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Gateway.Hubs;
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

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>, JsonHttpResult<ErrorResponse>>> Guest(
        GuestRequest? request, HttpContext context, TokenService tokens, IGrainFactory grains, SignInThrottle throttle, GatewayMetrics metrics,
        IOptions<AuthOptions> options)
    {
        var name = request?.DisplayName?.Trim();
        if (DisplayNameError(name, options.Value) is { } error) return TypedResults.BadRequest(error);
        if (await throttle.TakeAsync(SignInThrottle.GuestAddress, ClientAddress.Of(context)) is { } wait)
            return RateLimited(context, metrics, "auth/guest", "too many guest sign-ins from this address", wait);
        var userId = UserIdRules.GuestPrefix + Guid.NewGuid().ToString("N");
        await grains.GetGrain<IUserGrain>(userId).SetProfile(name!, null, ChatRoles.Guest);
        return TypedResults.Ok(tokens.Issue(userId, name!, ChatRoles.Guest));
    }

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, JsonHttpResult<ErrorResponse>>> Register(
        RegisterRequest? request, HttpContext context, TokenService tokens, IGrainFactory grains, IAccountStore accounts, PasswordHasher hasher,
        SignInThrottle throttle, SignInCookie cookie, GatewayMetrics metrics, IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
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
        // Accounts are identities as free as guests (and a 409 tells which ids are taken): the same kind of budget.
        if (await throttle.TakeAsync(SignInThrottle.RegisterAddress, ClientAddress.Of(context)) is { } wait)
            return RateLimited(context, metrics, "auth/register", "too many registrations from this address", wait);

        var account = new Account(userId, name, ChatRoles.User, await hasher.HashAsync(password, cancellationToken), time.GetUtcNow());
        if (!await accounts.TryCreateAsync(account, cancellationToken)) return TypedResults.Conflict(ErrorResponse.Conflict("userId is taken"));
        var role = SignInRole(account, o);
        await grains.GetGrain<IUserGrain>(userId).SetProfile(name, null, role);
        cookie.Issue(context, userId);
        return TypedResults.Ok(tokens.Issue(userId, name, role));
    }

    private static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>, JsonHttpResult<ErrorResponse>>> Login(
        LoginRequest? request, HttpContext context, TokenService tokens, PasswordSignIn signIn, SignInThrottle throttle, SignInCookie cookie,
        GatewayMetrics metrics, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request?.UserId) || string.IsNullOrEmpty(request.Password))
            return TypedResults.BadRequest(ErrorResponse.Invalid("userId and password are required"));
        // The address first, so one address can neither try ids without end nor make a bucket for every id it invents.
        // Then the account's budget, which every attempt on the id takes from, known or not; the right password after
        // a few typos still fits in it, and a browser that signed in to the account before skips it (SignInCookie).
        var wait = await throttle.TakeAsync(SignInThrottle.LoginAddress, ClientAddress.Of(context));
        if (wait is null && !cookie.Vouches(context.Request, request.UserId))
            wait = await throttle.TakeAsync(SignInThrottle.LoginAccount, SignInThrottle.AccountSubject(request.UserId));
        // One wording whichever budget ran out and whether or not the id exists.
        if (wait is { } w) return RateLimited(context, metrics, "auth/login", "too many sign-in attempts", w);

        var account = await signIn.CheckAsync(request.UserId, request.Password, cancellationToken);
        if (account is null)
        {
            metrics.Refused("auth/login", "unauthorized");
            // One answer for unknown id and wrong password, so the endpoint does not reveal which ids exist.
            return TypedResults.Json(ErrorResponse.Unauthorized("wrong user id or password"), statusCode: StatusCodes.Status401Unauthorized);
        }
        cookie.Issue(context, account.UserId);
        return TypedResults.Ok(tokens.Issue(account.UserId, account.DisplayName, SignInRole(account, options.Value)));
    }

    /// <summary>429 with Retry-After and the rate_limited body; counted, never logged (a flood must not flood the log).</summary>
    private static JsonHttpResult<ErrorResponse> RateLimited(HttpContext context, GatewayMetrics metrics, string operation, string message, TimeSpan wait)
    {
        metrics.Refused(operation, "rate_limited");
        context.Response.Headers.RetryAfter = RetryAfter.HeaderSeconds(wait);
        return TypedResults.Json(ErrorResponse.RateLimited(message, wait), statusCode: StatusCodes.Status429TooManyRequests);
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
        if (request.Attributes is { } given && VisitorAttributes.Problem(given) is { } problem) return TypedResults.BadRequest(ErrorResponse.Invalid(problem));
        await grains.GetGrain<IUserGrain>(request.UserId!).SetProfile(name, null, role);
        if (request.Attributes is { } attributes) await grains.GetGrain<IUserGrain>(request.UserId!).SetAttributes(attributes);
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
