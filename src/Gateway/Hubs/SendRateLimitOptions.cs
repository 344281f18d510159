namespace Im.Orleans.Gateway.Hubs;

/// <summary>Per-user token bucket for Send ("RateLimit:Send" section): a steady rate with a burst allowance.</summary>
public sealed class SendRateLimitOptions
{
    public const string SectionName = "RateLimit:Send";

    public double PerSecond { get; set; } = 20;
    public int Burst { get; set; } = 40;
}
