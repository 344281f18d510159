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
    private readonly Dictionary<(string Target, string Voter), DateTimeOffset> _votes = [];

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

    public Task<bool> VoteDeadAsync(string targetNodeId, string voterNodeId, DeathVoteRules rules, CancellationToken ct)
    {
        lock (_rows)
        {
            var now = clock.GetUtcNow();
            if (!_rows.TryGetValue(targetNodeId, out var target) || target.Status == SiloStatus.Dead) return Task.FromResult(false);
            _votes[(targetNodeId, voterNodeId)] = now;
            if (target.IAmAliveAt >= now - rules.MinSilence) return Task.FromResult(false);

            var voters = _rows.Values
                .Where(r => r.NodeId != targetNodeId && r.Status is SiloStatus.Active or SiloStatus.ShuttingDown && r.IAmAliveAt >= now - rules.VoterFreshness)
                .Select(r => r.NodeId)
                .ToHashSet(StringComparer.Ordinal);
            var votes = _votes.Count(v => v.Key.Target == targetNodeId && voters.Contains(v.Key.Voter) && v.Value >= target.IAmAliveAt);
            if (!rules.Suffice(votes, voters.Count)) return Task.FromResult(false);
            _rows[targetNodeId] = target with { Status = SiloStatus.Dead, Version = target.Version + 1 };
            return Task.FromResult(true);
        }
    }

    public Task<int> DeleteDeadOlderThanAsync(TimeSpan age, CancellationToken ct)
    {
        lock (_rows)
        {
            var cutoff = clock.GetUtcNow() - age;
            var old = _rows.Values.Where(r => r.Status == SiloStatus.Dead && r.IAmAliveAt < cutoff).Select(r => r.NodeId).ToArray();
            foreach (var nodeId in old) _rows.Remove(nodeId);
            foreach (var vote in _votes.Where(v => v.Value < cutoff || !_rows.ContainsKey(v.Key.Target)).Select(v => v.Key).ToArray()) _votes.Remove(vote);
            return Task.FromResult(old.Length);
        }
    }
}
