using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// CORS for the visitor widget: the host origins of Widget:AllowedOrigins may call exactly what the widget needs —
/// guest sign-in, the chat hub (negotiate, SSE and long polling; WebSockets are not subject to CORS) and the file
/// endpoints. Everything else (register, login, the API-key token endpoint, which belongs on the host's server) stays
/// same-origin. No credentials: the widget authenticates with its bearer token, so no cookie needs to cross.
/// </summary>
public static class WidgetCors
{
    public const string PolicyName = "widget";

    private static readonly PathString[] Paths = ["/api/auth/guest", "/hubs/chat", "/api/files"];

    public static IServiceCollection AddWidgetCors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WidgetOptions>().Bind(configuration.GetSection(WidgetOptions.SectionName))
            .Validate(o => o.Validate() is null, "Widget:AllowedOrigins must hold bare origins like https://shop.example (no path, no wildcard).")
            .ValidateOnStart();
        var origins = configuration.GetSection(WidgetOptions.SectionName).Get<WidgetOptions>()?.AllowedOrigins ?? [];
        services.AddCors(o => o.AddPolicy(PolicyName, p => p
            .WithOrigins(origins.Select(x => x.TrimEnd('/')).ToArray())
            .AllowAnyHeader()
            .AllowAnyMethod()
            // The hub's negotiate answer is read by the client; Retry-After lets the widget honour a 503 or 429.
            .WithExposedHeaders("Retry-After")
            // Preflights are cached so a long-polling widget does not send one before every poll.
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>Before the hub connection gate, so a preflight never counts as a connection attempt.</summary>
    public static IApplicationBuilder UseWidgetCors(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<WidgetOptions>>().Value.AllowedOrigins.Length == 0) return app;
        return app.UseWhen(c => Paths.Any(p => c.Request.Path.StartsWithSegments(p)), b => b.UseCors(PolicyName));
    }
}
