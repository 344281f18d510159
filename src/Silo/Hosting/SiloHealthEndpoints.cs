namespace Im.Orleans.Silo.Hosting;

/// <summary>GET /health/live (the process answers) and GET /health/ready (cluster member and database reachable).</summary>
internal static class SiloHealthEndpoints
{
    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/health");
        health.MapGet("/live", () => TypedResults.Ok(new SiloHealthReport("live")));
        health.MapGet("/ready", async (SiloReadiness readiness, CancellationToken cancellationToken) =>
        {
            var report = await readiness.CheckAsync(cancellationToken);
            return report.Status == "ready" ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return routes;
    }
}
