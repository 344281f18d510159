using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// The JSON error body for statuses the framework answers by itself with no body: no route (404), wrong method (405),
/// a body over the limit (413), not JSON (415) and the like. Bodies an endpoint or handler wrote are left alone.
/// </summary>
internal static class ErrorStatusPages
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        return response.WriteAsJsonAsync(For(response.StatusCode));
    }

    internal static ErrorResponse For(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ErrorResponse.Unauthorized("a valid token is required"),
        StatusCodes.Status403Forbidden => ErrorResponse.Forbidden("not allowed"),
        StatusCodes.Status404NotFound => ErrorResponse.NotFound("no such endpoint or file"),
        StatusCodes.Status405MethodNotAllowed => ErrorResponse.Invalid("this method is not allowed here"),
        StatusCodes.Status413PayloadTooLarge => ErrorResponse.Invalid("request body too large"),
        StatusCodes.Status415UnsupportedMediaType => ErrorResponse.Invalid("unsupported content type (send application/json)"),
        StatusCodes.Status429TooManyRequests => new ErrorResponse("rate_limited: too many requests"),
        StatusCodes.Status503ServiceUnavailable => new ErrorResponse("unavailable: try again later"),
        >= 500 => new ErrorResponse("internal: the request failed"),
        _ => ErrorResponse.Invalid(ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant() is { Length: > 0 } phrase ? phrase : "bad request"),
    };
}
