namespace Im.Orleans.Gateway.Hosting;

/// <summary>The body of every REST error: a message that starts with a protocol error code, e.g. "invalid: displayName is required".</summary>
public sealed record ErrorResponse(string Error)
{
    public static ErrorResponse Invalid(string message) => new($"invalid: {message}");
    public static ErrorResponse Forbidden(string message) => new($"forbidden: {message}");
    public static ErrorResponse NotFound(string message) => new($"not_found: {message}");
    public static ErrorResponse Conflict(string message) => new($"conflict: {message}");
    public static ErrorResponse Unauthorized(string message) => new($"unauthorized: {message}");

    /// <summary>The body of a 429, worded like the hub's refusal; the response also carries a Retry-After header.</summary>
    public static ErrorResponse RateLimited(string message, TimeSpan retryAfter) =>
        new($"rate_limited: {message}; retry after {Hubs.RetryAfter.Milliseconds(retryAfter)} ms");
}
