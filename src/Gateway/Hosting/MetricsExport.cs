using OpenTelemetry.Metrics;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>Settings of the Prometheus scrape endpoint ("Metrics" section).</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve GET /metrics. Anonymous, like the health endpoints: keep it to the internal network (operations.md).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Exports the gateway's meter (refusals) and ASP.NET Core's (HTTP requests, Kestrel connections, SignalR
/// connections) through OpenTelemetry as a Prometheus scrape endpoint, GET /metrics. Each gateway serves its own
/// figures, so Prometheus scrapes every gateway directly; the load balancer does not pass /metrics on.
/// </summary>
public static class MetricsExport
{
    public const string Path = "/metrics";

    /// <summary>The meters exported: ours and the built-in ones an operator of a chat gateway wants.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        GatewayMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
    ];

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>()?.Enabled ?? true;

    public static IServiceCollection AddMetricsExport(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsEnabled(configuration)) return services;
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter([.. Meters]).AddPrometheusExporter());
        return services;
    }

    public static void MapMetricsExport(this WebApplication app)
    {
        if (!IsEnabled(app.Configuration)) return;
        // Scrapes are not client traffic: they stay out of the HTTP request metrics they report.
        app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous().DisableHttpMetrics();
    }
}
