using Im.Orleans.Grains;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Cluster.Tests;

/// <summary>Issue 10 item 1: a desk's queue is persisted, so killing the silo that hosts the desk loses no waiting visitor and no position.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeskFailoverTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int VisitorsPerDesk = 4;

    [Fact]
    public async Task Visitors_queued_at_a_desk_keep_their_order_when_the_desks_silo_is_killed()
    {
        await using var chat = await ChatCluster.StartAsync(postgres, "deskfail");
        var doomed = chat.Cluster.Silos[^1];
        var management = chat.Grains.GetGrain<IManagementGrain>(0);

        // Desks until some live on the silo to be killed (placement is random); their one agent stays offline, so nobody is served.
        var queues = new Dictionary<string, List<string>>();
        for (var d = 0; d < 24 && !(await DesksOnAsync(management, doomed.SiloAddress)).Any(); d++)
        {
            var deskId = $"desk{d}";
            var desk = chat.Grains.GetGrain<IDeskGrain>(deskId);
            await desk.Configure(new DeskSettings(deskId, [$"agent{d}"], [], 2, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
            queues[deskId] = [];
            for (var v = 0; v < VisitorsPerDesk; v++)
            {
                var conversationId = $"q:{deskId}:visitor{v}";
                Assert.Equal(v + 1, (await desk.Enqueue(conversationId, $"visitor{v}")).Position);
                queues[deskId].Add(conversationId);
            }
        }
        // The management statistics can lag an activation by a moment (seen once empty right after the loop saw one).
        var onDoomed = await DesksOnAsync(management, doomed.SiloAddress);
        for (var i = 0; i < 50 && onDoomed.Count == 0; i++)
        {
            await Task.Delay(100);
            onDoomed = await DesksOnAsync(management, doomed.SiloAddress);
        }
        Assert.NotEmpty(onDoomed);
        output.WriteLine($"{onDoomed.Count} of {queues.Count} desks on the killed silo: {string.Join(", ", onDoomed)}");

        await chat.Cluster.KillSiloAsync(doomed);

        foreach (var (deskId, expected) in queues)
        {
            var desk = chat.Grains.GetGrain<IDeskGrain>(deskId);
            var view = await RetryUntilAnsweredAsync(desk.GetView);
            Assert.Equal(expected, view.Queue.Select(q => q.ConversationId));
            Assert.Empty(view.Assigned);
            for (var i = 0; i < expected.Count; i++) Assert.Equal(i + 1, (await desk.Position(expected[i])).Position);
        }
        // The doomed silo's desks answered from the survivor, activated again from PostgreSQL.
        var survivor = chat.Cluster.Silos[0].SiloAddress;
        Assert.Superset(onDoomed.ToHashSet(), (await RetryUntilAnsweredAsync(() => DesksOnAsync(management, survivor))).ToHashSet());

        // And they still serve in that order: the first agent to come online gets the first visitor.
        var first = onDoomed[0];
        var agent = chat.Grains.GetGrain<IAgentGrain>($"agent{first[4..]}");
        await agent.SetStatus(AgentStatus.Online);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await agent.GetLoad()).Chats.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(queues[first].Take(2), (await agent.GetLoad()).Chats.Order());
        Assert.Equal(queues[first].Skip(2), (await chat.Grains.GetGrain<IDeskGrain>(first).GetView()).Queue.Select(q => q.ConversationId));
    }

    private static async Task<List<string>> DesksOnAsync(IManagementGrain management, SiloAddress silo)
    {
        var stats = await management.GetDetailedGrainStatistics(hostsIds: [silo]);
        return [.. stats.Where(s => s.GrainId.Type.ToString() == "desk").Select(s => s.GrainId.Key.ToString()!).Distinct()];
    }

    private static async Task<T> RetryUntilAnsweredAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not ChatException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
