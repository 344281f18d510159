using Im.Orleans.Grains;
using Npgsql;
using Orleans.Runtime;

namespace Im.Orleans.Silo.Hosting;

/// <summary>Readiness of this silo: it is not draining, the cluster view holds it as Active, and PostgreSQL answers.</summary>
internal sealed class SiloReadiness(
    IClusterMembershipService membership, ILocalSiloDetails localSilo, NpgsqlDataSource database, IGrainFactory grains,
    IHostApplicationLifetime lifetime, ILogger<SiloReadiness> logger)
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    public async Task<SiloHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return new SiloHealthReport("draining", Error: "the silo is shutting down");
        var snapshot = membership.CurrentSnapshot;
        var activeSilos = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var member = snapshot.GetSiloStatus(localSilo.SiloAddress) == SiloStatus.Active;
        var databaseError = await PingDatabaseAsync(cancellationToken);
        var database = databaseError is null;
        var error = !member ? "not an active member of the cluster yet" : databaseError;
        var gateways = member ? await CountGatewaysAsync() : null;
        return new SiloHealthReport(member && database ? "ready" : "not_ready", member, database, activeSilos, gateways, error);
    }

    // Informational: the registry may be moving between silos, which does not make this silo unready.
    private async Task<int?> CountGatewaysAsync()
    {
        try
        {
            var live = await grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key).LiveGateways().WaitAsync(DatabaseTimeout);
            return live.Count;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug(e, "Readiness: the gateway registry did not answer");
            return null;
        }
    }

    private async Task<string?> PingDatabaseAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatabaseTimeout);
        try
        {
            await using var command = database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // The details belong in the log; the probe's caller only needs to know the database did not answer.
            logger.LogWarning(e, "Readiness: the database did not answer");
            return "the database did not answer";
        }
    }
}
