using System.Text.Json;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Im.Orleans.Gateway.Tests;

/// <summary>A grain's coded refusal under a REST endpoint keeps its code: status, body and, for unavailable, a wait.</summary>
public sealed class ClientErrorMiddlewareTests
{
    [Theory]
    [InlineData(ErrorCodes.Unavailable, 503)]
    [InlineData(ErrorCodes.Invalid, 400)]
    [InlineData(ErrorCodes.Forbidden, 403)]
    [InlineData(ErrorCodes.NotFound, 404)]
    [InlineData(ErrorCodes.Conflict, 409)]
    public async Task A_chat_exception_answers_its_code(string code, int status)
    {
        var middleware = new ClientErrorMiddleware(_ => throw new ChatException(code, "what the grain said"), NullLogger<ClientErrorMiddleware>.Instance);
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        await middleware.InvokeAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal($"{code}: what the grain said", body.RootElement.GetProperty("error").GetString());
        Assert.Equal(code == ErrorCodes.Unavailable ? "1" : "", context.Response.Headers.RetryAfter.ToString());
    }
}
