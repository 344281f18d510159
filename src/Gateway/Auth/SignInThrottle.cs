using Im.Orleans.Grains;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>
/// The sign-in endpoints' budgets, kept by the cluster-wide rate-limit grain so they hold however many gateways a
/// client spreads its requests over. Each scope is also the name of its <see cref="SignInRateLimitOptions"/>.
/// </summary>
internal sealed class SignInThrottle(IGrainFactory grains, IOptionsMonitor<SignInRateLimitOptions> options)
{
    /// <summary>New guest identities per client address.</summary>
    public const string GuestAddress = "guest-address";

    /// <summary>New accounts per client address.</summary>
    public const string RegisterAddress = "register-address";

    /// <summary>Login attempts per client address, taken before anything else.</summary>
    public const string LoginAddress = "login-address";

    /// <summary>Login attempts per user id, whether or not the account exists.</summary>
    public const string LoginAccount = "login-account";

    /// <summary>The section each scope is bound from, and its defaults (see docs/operations.md for why these).</summary>
    public static readonly IReadOnlyList<(string Scope, string Section, double PerMinute, int Burst)> Scopes =
    [
        (GuestAddress, "RateLimit:Guest", 10, 20),
        (RegisterAddress, "RateLimit:Register", 10, 20),
        (LoginAddress, "RateLimit:Login:Address", 30, 30),
        (LoginAccount, "RateLimit:Login:Account", 2, 5),
    ];

    /// <summary>Takes one attempt from the scope's budget for the subject: null when granted, else how long to wait.</summary>
    public async Task<TimeSpan?> TakeAsync(string scope, string subject)
    {
        var limit = options.Get(scope).ToRateLimit();
        var grant = await grains.GetGrain<IRateLimitGrain>(RateLimitKeys.For(scope, subject)).Take(limit, 1);
        return grant.IsRefused ? grant.RetryAfter : null;
    }

    /// <summary>The login-account subject: the id itself, or one shared subject for ids no account can have (so their length or number does not matter).</summary>
    public static string AccountSubject(string userId) => UserIdRules.IsValid(userId) ? userId : "~malformed";
}
