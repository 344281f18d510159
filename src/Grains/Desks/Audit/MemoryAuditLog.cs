namespace Im.Orleans.Grains.Desks.Audit;

/// <summary>The audit log in memory, beside the in-memory message store of tests.</summary>
internal sealed class MemoryAuditLog : IAuditLog
{
    private readonly Lock _lock = new();
    private readonly List<AuditEntry> _entries = [];

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        AuditQueries.ValidateEntry(entry);
        lock (_lock)
        {
            var stored = entry with { Id = _entries.Count + 1 };
            _entries.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        AuditQueries.Validate(query);
        List<AuditEntry> found;
        lock (_lock)
        {
            found = [.. Enumerable.Reverse(_entries)
                .Where(e => query.BeforeId is not { } before || e.Id < before)
                .Where(e => query.DeskId is null || e.DeskId == query.DeskId)
                .Where(e => query.Actor is null || e.Actor == query.Actor)
                .Where(e => query.From is not { } from || e.At >= from)
                .Where(e => query.To is not { } to || e.At < to)
                .Take(query.Limit + 1)];
        }
        return Task.FromResult(AuditQueries.Page(found, query.Limit));
    }
}
