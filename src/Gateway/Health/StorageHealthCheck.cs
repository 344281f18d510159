using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Health;

/// <summary>
/// Readiness: the database answers (the account store shares it with grain state and messages when PostgreSQL is
/// configured) and the data directory takes writes (SQLite files, signing key, and uploads in the embedded default;
/// with PostgreSQL the uploads live in the database).
/// </summary>
public sealed class StorageHealthCheck(IAccountStore accounts, IOptions<DataOptions> data) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await accounts.PingAsync(cancellationToken);
            // Per process, in case several gateways are pointed at one data directory (none needs to be any more).
            var probe = Path.Combine(data.Value.EnsureFullPath(), $".ready-probe-{Environment.ProcessId}");
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception stays in the server log; the probe's caller only needs "not ready".
            return HealthCheckResult.Unhealthy("storage unreachable", e);
        }
    }
}
