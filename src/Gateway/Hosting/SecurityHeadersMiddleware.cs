namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Security headers on every answer: a Content-Security-Policy chosen by what is served (the web client's pages, the
/// Orleans dashboard, everything else), nosniff, no Referer (tokens travel in ?access_token=), and no framing. Set when
/// the response starts, so they survive an error handler clearing the response, and never over a header the endpoint
/// set itself.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>
    /// The web client (wwwroot): its own scripts and styles only, no inline code. Images and media come from
    /// /api/files as blob: URLs (fetched with the bearer header) or, for the favicon, a data: URL; the hub's
    /// negotiate, long polling, SSE and WebSocket (ws/wss to the same host, which CSP 3 counts as 'self') are connect-src.
    /// </summary>
    public const string WebClientPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The Orleans dashboard's bundled SPA (third-party markup): its own scripts only, but it writes style attributes
    /// (its loading placeholder, chart and layout code), and its stylesheet embeds icons and a font as data: URLs.
    /// </summary>
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// JSON, hub traffic, health, metrics and uploaded files: nothing in them may run. An upload opened in a tab is sandboxed (no
    /// script, an opaque origin); a browser's own viewer for an image or video still shows it.
    /// </summary>
    public const string ApiPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

    public Task InvokeAsync(HttpContext context)
    {
        var policy = PolicyFor(context.Request.Path);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.TryAdd("Content-Security-Policy", policy);
            headers.TryAdd("X-Content-Type-Options", "nosniff");
            headers.TryAdd("Referrer-Policy", "no-referrer");
            // For browsers without CSP frame-ancestors.
            headers.TryAdd("X-Frame-Options", "DENY");
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static string PolicyFor(PathString path) =>
        path.StartsWithSegments(OperatorDashboard.Path) ? DashboardPolicy
        : path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/health")
          || path.StartsWithSegments(MetricsExport.Path) ? ApiPolicy
        : WebClientPolicy;
}
