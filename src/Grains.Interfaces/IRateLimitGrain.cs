namespace Im.Orleans.Grains;

/// <summary>
/// One token bucket shared by the whole cluster (key: "scope/subject", e.g. "login-address/203.0.113.7"), so a
/// limit holds however many gateways a client spreads its requests over. Kept in memory only: a lost activation
/// starts full again, which errs towards letting people in.
/// </summary>
[Alias("im.IRateLimitGrain")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    /// <summary>Takes up to <paramref name="wanted"/> tokens (at least 1) from the bucket sized by <paramref name="limit"/>.</summary>
    [Alias("Take")] Task<RateGrant> Take(RateLimit limit, int wanted);
}

/// <summary>A token bucket's size: it refills at <see cref="PerSecond"/> up to <see cref="Burst"/> tokens.</summary>
[GenerateSerializer, Immutable, Alias("im.RateLimit")]
public sealed record RateLimit(double PerSecond, int Burst);

/// <summary>
/// What a bucket gave: <see cref="Granted"/> tokens (0 when refused) and, when refused, how long until one is
/// there again (what a client is told to wait).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.RateGrant")]
public sealed record RateGrant(int Granted, TimeSpan RetryAfter)
{
    public bool IsRefused => Granted == 0;
}

/// <summary>Key scopes of <see cref="IRateLimitGrain"/>.</summary>
public static class RateLimitKeys
{
    public static string For(string scope, string subject) => scope + "/" + subject;
}
