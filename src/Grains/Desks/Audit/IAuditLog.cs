namespace Im.Orleans.Grains.Desks.Audit;

/// <summary>
/// The durable, append-only log of desk actions, kept beside the message log (same SQLite file or PostgreSQL database):
/// entries are never changed or removed, only appended and read newest first.
/// </summary>
internal interface IAuditLog
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores the entry (its <see cref="AuditEntry.Id"/> is ignored) and returns it with the id the log gave it.</summary>
    Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

/// <summary>What every store shares: checking a query and cutting a page.</summary>
internal static class AuditQueries
{
    public static void Validate(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit) throw ChatException.Invalid($"An audit page holds 1 to {AuditQuery.MaxLimit} entries.");
        if (query.From is { } from && query.To is { } to && to < from) throw ChatException.Invalid("An audit time range ends before it starts.");
    }

    public static void ValidateEntry(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action);
        ArgumentNullException.ThrowIfNull(entry.DeskId);
        ArgumentNullException.ThrowIfNull(entry.Target);
    }

    /// <summary>Stores read one entry more than asked; its presence says there is a next page.</summary>
    public static AuditPage Page(List<AuditEntry> newestFirst, int limit) =>
        newestFirst.Count > limit ? new AuditPage(newestFirst[..limit], newestFirst[limit - 1].Id) : new AuditPage(newestFirst, null);
}
