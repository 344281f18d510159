using System.Text.Json;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Turns client mistakes that surface as exceptions (malformed JSON, oversized bodies, broken multipart) into
/// 400/413 with an <see cref="ErrorResponse"/>, and anything else into a logged, generic 500, so no client input
/// ever produces a stack trace or an empty 500.
/// </summary>
public sealed class ClientErrorMiddleware(RequestDelegate next, ILogger<ClientErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            var status = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? e.StatusCode : StatusCodes.Status400BadRequest;
            var message = status == StatusCodes.Status413PayloadTooLarge ? "request body too large" : Describe(e);
            await WriteAsync(context, status, ErrorResponse.Invalid(message));
        }
        catch (ChatException e) when (!context.Response.HasStarted)
        {
            // A grain's refusal keeps its code; "unavailable" (the database restarting, a silo failing over) is worth a retry.
            await WriteAsync(context, StatusFor(e.Code), new ErrorResponse($"{e.Code}: {e.Message}"), retryAfter: e.Code == ErrorCodes.Unavailable ? "1" : null);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException && !context.Response.HasStarted)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, ErrorResponse.Invalid("malformed request body"));
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, new ErrorResponse("internal: the request failed"));
        }
    }

    // The framework's messages name the parameter and the JSON problem without exposing internals; keep them short.
    private static string Describe(BadHttpRequestException e) =>
        e.InnerException is JsonException ? "malformed JSON body" : e.Message.Length > 200 ? e.Message[..200] : e.Message;

    private static int StatusFor(string code) => code switch
    {
        ErrorCodes.Invalid => StatusCodes.Status400BadRequest,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.Conflict => StatusCodes.Status409Conflict,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    private static Task WriteAsync(HttpContext context, int status, ErrorResponse error, string? retryAfter = null)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
        return context.Response.WriteAsJsonAsync(error);
    }
}
