using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Im.Orleans.Gateway.Health;

/// <summary>GET /health/live (the process answers) and GET /health/ready (storage reachable); both anonymous.</summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return routes;
    }
}
