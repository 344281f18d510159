using Im.Orleans.Membership;
using Im.Orleans.Runtime;

namespace Im.Orleans.Runtime.Tests.Membership;

/// <summary>Passes calls to a real table, or throws as an unreachable database would while <see cref="Broken"/> is set.</summary>
internal sealed class FlakyMembershipTable(IMembershipTable inner) : IMembershipTable
{
    private int _broken;
    private int _failedCalls;

    public bool Broken
    {
        get => Volatile.Read(ref _broken) == 1;
        set => Volatile.Write(ref _broken, value ? 1 : 0);
    }

    /// <summary>How many calls failed because the table was broken: proof that the loops kept trying.</summary>
    public int FailedCalls => Volatile.Read(ref _failedCalls);

    public Task InitializeAsync(CancellationToken ct) => Pass(() => inner.InitializeAsync(ct));

    public Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken ct) => Pass(() => inner.ReadAllAsync(ct));

    public Task InsertAsync(MembershipEntry entry, CancellationToken ct) => Pass(() => inner.InsertAsync(entry, ct));

    public Task<bool> TryUpdateStatusAsync(string nodeId, SiloStatus status, int expectedVersion, CancellationToken ct) =>
        Pass(() => inner.TryUpdateStatusAsync(nodeId, status, expectedVersion, ct));

    public Task<bool> HeartbeatAsync(string nodeId, CancellationToken ct) => Pass(() => inner.HeartbeatAsync(nodeId, ct));

    public Task<int> DeclareSilentDeadAsync(TimeSpan suspectAfter, TimeSpan confirmAfter, CancellationToken ct) =>
        Pass(() => inner.DeclareSilentDeadAsync(suspectAfter, confirmAfter, ct));

    public Task<bool> VoteDeadAsync(string targetNodeId, string voterNodeId, DeathVoteRules rules, CancellationToken ct) =>
        Pass(() => inner.VoteDeadAsync(targetNodeId, voterNodeId, rules, ct));

    public Task<int> DeleteDeadOlderThanAsync(TimeSpan age, CancellationToken ct) => Pass(() => inner.DeleteDeadOlderThanAsync(age, ct));

    private T Pass<T>(Func<T> call) where T : Task
    {
        if (!Broken) return call();
        Interlocked.Increment(ref _failedCalls);
        throw new TimeoutException("The membership database is unreachable (simulated).");
    }
}
