using Im.Orleans.Runtime;

namespace Im.Orleans.Membership;

/// <summary>
/// A membership table in memory for several nodes of one process (tests, test clusters). One instance is one
/// cluster; the injected <see cref="TimeProvider"/> plays the database clock.
/// </summary>
internal sealed class InMemoryMembershipTable(TimeProvider clock) : IMembershipTable
{
    private readonly Dictionary<string, MembershipEntry> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _suspectedSince = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken ct)
    {
        lock (_rows)
        {
            IReadOnlyList<MembershipEntry> rows = _rows.Values.OrderBy(r => r.NodeId, StringComparer.Ordinal).ToArray();
            return Task.FromResult(rows);
        }
    }

    public Task InsertAsync(MembershipEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_rows)
        {
            if (_rows.ContainsKey(entry.NodeId)) throw new InvalidOperationException($"Node {entry.NodeId} is already in the membership table.");
            _rows[entry.NodeId] = entry with { Status = SiloStatus.Joining, IAmAliveAt = clock.GetUtcNow(), Version = 1 };
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryUpdateStatusAsync(string nodeId, SiloStatus status, int expectedVersion, CancellationToken ct)
    {
        lock (_rows)
        {
            if (!_rows.TryGetValue(nodeId, out var row) || row.Version != expectedVersion || row.Status == SiloStatus.Dead) return Task.FromResult(false);
            _rows[nodeId] = row with { Status = status, Version = row.Version + 1 };
            return Task.FromResult(true);
        }
    }

    public Task<bool> HeartbeatAsync(string nodeId, CancellationToken ct)
    {
        lock (_rows)
        {
            if (!_rows.TryGetValue(nodeId, out var row) || row.Status == SiloStatus.Dead) return Task.FromResult(false);
            _rows[nodeId] = row with { IAmAliveAt = clock.GetUtcNow() };
            _suspectedSince.Remove(nodeId);
            return Task.FromResult(true);
        }
    }

    public Task<int> DeclareSilentDeadAsync(TimeSpan suspectAfter, TimeSpan confirmAfter, CancellationToken ct)
    {
        lock (_rows)
        {
            var now = clock.GetUtcNow();
            var declared = 0;
            foreach (var row in _rows.Values.Where(r => r.Status != SiloStatus.Dead && r.IAmAliveAt < now - suspectAfter).ToArray())
            {
                if (!_suspectedSince.TryGetValue(row.NodeId, out var since)) _suspectedSince[row.NodeId] = now;
                else if (since <= now - confirmAfter)
                {
                    _rows[row.NodeId] = row with { Status = SiloStatus.Dead, Version = row.Version + 1 };
                    declared++;
                }
            }

            return Task.FromResult(declared);
        }
    }

    public Task<int> DeleteDeadOlderThanAsync(TimeSpan age, CancellationToken ct)
    {
        lock (_rows)
        {
            var cutoff = clock.GetUtcNow() - age;
            var old = _rows.Values.Where(r => r.Status == SiloStatus.Dead && r.IAmAliveAt < cutoff).Select(r => r.NodeId).ToArray();
            foreach (var nodeId in old) _rows.Remove(nodeId);
            return Task.FromResult(old.Length);
        }
    }
}
