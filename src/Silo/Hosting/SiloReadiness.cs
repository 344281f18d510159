using Im.Orleans.Configuration;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Im.Orleans.Silo.Hosting;

/// <summary>Readiness of this silo: it is not draining, the cluster view holds it as Active, and PostgreSQL answers.</summary>
internal sealed class SiloReadiness(
    IClusterMembershipService membership, NpgsqlDataSource database, IOptions<ClusterOptions> cluster, IHostApplicationLifetime lifetime,
    ILogger<SiloReadiness> logger)
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    private readonly ClusterOptions _cluster = cluster.Value;

    public async Task<SiloHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return new SiloHealthReport("draining", Error: "the silo is shutting down");
        var activeSilos = membership.CurrentSnapshot.ActiveSilos;
        var member = IsActiveMember(activeSilos);
        var databaseError = await PingDatabaseAsync(cancellationToken);
        var database = databaseError is null;
        var error = !member ? "not an active member of the cluster yet" : databaseError;
        return new SiloHealthReport(member && database ? "ready" : "not_ready", member, database, activeSilos.Count, error);
    }

    // A restarted silo joins under a new node id at the same endpoint, and an earlier incarnation's row is never Active
    // again, so an Active row at our advertised endpoint is us. With Port 0 the endpoint is unknown here: any Active silo.
    private bool IsActiveMember(IReadOnlyList<MembershipEntry> activeSilos) =>
        _cluster.Port == 0
            ? activeSilos.Count > 0
            : activeSilos.Any(m => m.Port == _cluster.Port && string.Equals(m.Host, _cluster.AdvertisedHost, StringComparison.OrdinalIgnoreCase));

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
