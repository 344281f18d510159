using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Auth;

/// <summary>
/// One sign-in token bucket: a steady rate per minute and a burst. Named options, one per <see cref="SignInThrottle"/>
/// scope, bound from "RateLimit:Guest", "RateLimit:Register", "RateLimit:Login:Address" and "RateLimit:Login:Account".
/// </summary>
public sealed class SignInRateLimitOptions
{
    public double PerMinute { get; set; }
    public int Burst { get; set; }

    public bool IsValid => PerMinute > 0 && Burst >= 1;

    internal RateLimit ToRateLimit() => new(PerMinute / 60, Burst);
}
