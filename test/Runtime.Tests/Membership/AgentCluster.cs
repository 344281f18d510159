using Im.Orleans.Configuration;
using Im.Orleans.Membership;
using Im.Orleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Im.Orleans.Runtime.Tests.Membership;

/// <summary>
/// Several membership agents on one in-memory table and one manual clock, which is also the "database clock".
/// Time moves in whole heartbeat periods and only after the live agents have written their heartbeat, so no node
/// is declared dead by accident however slow the machine is.
/// </summary>
internal sealed class AgentCluster : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);
    private readonly List<MembershipAgent> _agents = [];

    public AgentCluster() => Table = new InMemoryMembershipTable(Time);

    public ManualTimeProvider Time { get; } = new();

    public InMemoryMembershipTable Table { get; }

    public ClusterMembershipOptions Options { get; } = new();

    public MembershipAgent CreateAgent(string nodeId, NodeRole role = NodeRole.Silo, IMembershipTable? table = null)
    {
        var agent = new MembershipAgent(
            table ?? Table,
            new LocalNodeInfo(nodeId, role, "127.0.0.1", role == NodeRole.Silo ? 11111 : 0),
            Microsoft.Extensions.Options.Options.Create(Options),
            Time,
            NullLogger<MembershipAgent>.Instance);
        _agents.Add(agent);
        return agent;
    }

    public async Task<MembershipAgent> JoinAsync(string nodeId, NodeRole role = NodeRole.Silo, IMembershipTable? table = null)
    {
        var agent = CreateAgent(nodeId, role, table);
        await agent.JoinAsync(CancellationToken.None);
        return agent;
    }

    /// <summary>Advances one heartbeat period and waits until each of <paramref name="live"/> has heartbeated at the new time.</summary>
    public async Task StepAsync(params MembershipAgent[] live)
    {
        Time.Advance(Options.IAmAlivePeriod);
        var now = Time.GetUtcNow();
        foreach (var agent in live)
        {
            await WaitUntilAsync(
                () => Table.ReadAllAsync(default).Result.Any(r => r.NodeId == agent.Local.NodeId && r.IAmAliveAt == now),
                $"{agent.Local.NodeId} heartbeats at {now:O}");
        }
    }

    /// <summary>Steps until the condition holds; fails after a bounded number of steps rather than hanging.</summary>
    public async Task StepUntilAsync(Func<bool> condition, string what, params MembershipAgent[] live)
    {
        for (var step = 0; step < 30; step++)
        {
            if (condition()) return;
            await StepAsync(live);
            // The refresh loops run after the tick; give them a moment before deciding to step again.
            if (await PollAsync(condition, TimeSpan.FromMilliseconds(200))) return;
        }

        throw new TimeoutException($"Gave up waiting for: {what}");
    }

    /// <summary>Waits (in real time, as a hang guard only) for something the loops do asynchronously.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        if (!await PollAsync(condition, HangGuard)) throw new TimeoutException($"Gave up waiting for: {what}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
    }

    private static async Task<bool> PollAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(5);
        }

        return true;
    }
}
