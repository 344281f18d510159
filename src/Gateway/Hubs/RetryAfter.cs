namespace Im.Orleans.Gateway.Hubs;

/// <summary>How a wait is written in a rate_limited refusal ("; retry after N ms") and in a Retry-After header.</summary>
public static class RetryAfter
{
    /// <summary>Whole milliseconds, rounded up and at least 1, so a client never retries a moment too early.</summary>
    public static long Milliseconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds));

    /// <summary>The Retry-After header's value: whole seconds, rounded up, at least 1.</summary>
    public static string HeaderSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
