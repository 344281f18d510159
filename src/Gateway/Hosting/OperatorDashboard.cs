using Im.Orleans.Gateway.Auth;
using Orleans.Dashboard;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// The official Orleans dashboard at /dashboard, for operators only (no token: 401, another role: 403). Opened as
/// /dashboard?access_token=..., it keeps the token in a cookie scoped to /dashboard so the page's own requests carry it.
/// </summary>
public static class OperatorDashboard
{
    public const string Path = "/dashboard";
    public const string Policy = "operator";
    private const string CookieName = "im_dashboard";

    /// <summary>"Dashboard:Enabled" (default true); off, nothing of the dashboard runs and /dashboard answers 404.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", true);

    public static void AddOperatorPolicy(this Microsoft.AspNetCore.Authorization.AuthorizationOptions options) =>
        options.AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireRole(ChatRoles.Operator));

    public static void MapOperatorDashboard(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), branch => branch.Use(RememberToken));
        app.MapOrleansDashboard(routePrefix: Path).RequireAuthorization(Policy);
    }

    /// <summary>The dashboard cookie's token, only on the dashboard's own paths.</summary>
    public static string? TokenFromCookie(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && request.Cookies.TryGetValue(CookieName, out var token) && token.Length > 0 ? token : null;

    private static Task RememberToken(HttpContext context, Func<Task> next)
    {
        string? token = context.Request.Query["access_token"];
        if (!string.IsNullOrEmpty(token) && context.User.IsInRole(ChatRoles.Operator))
        {
            context.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                Path = Path,
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromHours(12),
            });
        }
        return next();
    }
}
