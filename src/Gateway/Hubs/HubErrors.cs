using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>HubExceptions whose message starts with a protocol error code, the only errors a client ever sees.</summary>
public static class HubErrors
{
    public static HubException Invalid(string message) => Coded(ErrorCodes.Invalid, message);
    public static HubException Forbidden(string message) => Coded(ErrorCodes.Forbidden, message);
    public static HubException NotFound(string message) => Coded(ErrorCodes.NotFound, message);
    /// <summary>"rate_limited: {message}; retry after {N} ms": clients wait N ms before trying again (protocol.md).</summary>
    public static HubException RateLimited(string message, TimeSpan retryAfter) =>
        Coded(ErrorCodes.RateLimited, $"{message}; retry after {RetryAfter.Milliseconds(retryAfter)} ms");
    /// <summary>Not the client's fault: something failed inside; details are only in the server log.</summary>
    public const string InternalCode = "internal";

    /// <summary>Not the client's fault: a grain did not answer in time; retrying later may work.</summary>
    public const string UnavailableCode = ErrorCodes.Unavailable;

    public static HubException Internal() => Coded(InternalCode, "the request failed, try again");
    public static HubException Unavailable() => Coded(UnavailableCode, "the service is busy, try again");

    public static HubException Coded(string code, string message) => new($"{code}: {message}");
}
