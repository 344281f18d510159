using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Names this gateway in the im_gw cookie on every response. nginx open source has no sticky sessions, so it routes
/// by this cookie: SignalR's negotiate, SSE and long-polling requests of one connection must all reach the gateway
/// that holds it, and when that gateway is down nginx's backup server answers and re-stamps the cookie.
/// </summary>
internal sealed class AffinityCookieMiddleware(RequestDelegate next, IOptions<GatewayAffinityOptions> options)
{
    public const string CookieName = "im_gw";

    private readonly string? _name = string.IsNullOrEmpty(options.Value.Name) ? null : options.Value.Name;
    private readonly string _setCookie = $"{CookieName}={options.Value.Name}; Path=/; HttpOnly; SameSite=Lax";

    public Task InvokeAsync(HttpContext context)
    {
        if (_name is not null && !HasOwnCookie(context.Request))
        {
            // On starting, so an error handler that clears the response before writing it keeps the cookie.
            context.Response.OnStarting(static state =>
            {
                var (response, setCookie) = ((HttpResponse, string))state;
                response.Headers.Append(HeaderNames.SetCookie, setCookie);
                return Task.CompletedTask;
            }, (context.Response, _setCookie));
        }
        return next(context);
    }

    private bool HasOwnCookie(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var value) && string.Equals(value, _name, StringComparison.Ordinal);
}
