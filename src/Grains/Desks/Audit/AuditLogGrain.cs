using Orleans.Concurrency;

namespace Im.Orleans.Grains.Desks.Audit;

/// <summary>Answers audit queries from the log on whichever silo takes the call (gateways in cluster mode hold no store).</summary>
[GrainType("audit-log")]
[StatelessWorker]
internal sealed class AuditLogGrain(IAuditLog log) : Grain, IAuditLogGrain
{
    public Task<AuditPage> Query(AuditQuery query) => log.QueryAsync(query);
}
