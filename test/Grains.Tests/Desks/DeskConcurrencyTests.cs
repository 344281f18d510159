using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Many visitors, two desks sharing agents, everything at once: nobody over capacity, nothing assigned twice.</summary>
public sealed class DeskConcurrencyTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Concurrent_enqueues_finishes_and_status_changes_never_overfill_an_agent_or_assign_twice()
    {
        var chat = shared.Chat;
        var agents = Enumerable.Range(1, 6).Select(i => Id($"agent{i}")).ToArray();
        var deskIds = new[] { Id("sales"), Id("support") };
        // Both desks list four agents, two of them shared, so only the agents themselves see their whole load.
        await chat.NewDeskAsync(deskIds[0], agents[..4], capacity: 2);
        await chat.NewDeskAsync(deskIds[1], agents[2..], capacity: 3);
        await chat.OnlineAsync(agents);

        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            // Watches loads while everything runs, not only between rounds.
            while (!stop.IsCancellationRequested) await chat.AssertLoadsSoundAsync(agents);
        });

        var enqueued = new List<(string Desk, string Conversation)>();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(7);
        for (var round = 0; round < 8; round++)
        {
            var batch = Enumerable.Range(0, 12).Select(i => (Desk: deskIds[i % 2], Conversation: Id($"s:r{round}-{i}"))).ToList();
            enqueued.AddRange(batch);
            var loads = await chat.AssertLoadsSoundAsync(agents);
            var toFinish = loads.SelectMany(l => l.Chats.Select(c => (l.AgentId, c))).Where(_ => random.Next(2) == 0).ToList();
            var flapping = agents[random.Next(agents.Length)];
            // Each conversation enqueued twice at once, as a retrying gateway would.
            var work = batch.Concat(batch).Select(b => (Task)chat.Desk(b.Desk).Enqueue(b.Conversation, "v-" + b.Conversation))
                .Concat(toFinish.Select(f => (Task)chat.Agent(f.AgentId).Finish(f.c)))
                .Append(chat.Agent(flapping).SetStatus(AgentStatus.Away).ContinueWith(_ => chat.Agent(flapping).SetStatus(AgentStatus.Online)).Unwrap());
            await Task.WhenAll(work);
            foreach (var f in toFinish) Assert.True(finished.Add(f.c), $"{f.c} was finished twice");
            await chat.AssertLoadsSoundAsync(agents);
        }

        // Everyone finishes everything: every conversation is served exactly once and the queues empty.
        await Eventually.Holds(async () =>
        {
            var loads = await chat.AssertLoadsSoundAsync(agents);
            foreach (var load in loads)
            {
                foreach (var c in load.Chats)
                {
                    await chat.Agent(load.AgentId).Finish(c);
                    Assert.True(finished.Add(c), $"{c} was assigned again after it finished");
                }
            }
            var views = await Task.WhenAll(deskIds.Select(d => chat.Desk(d).GetView()));
            Assert.All(views, v => Assert.Empty(v.Queue));
            Assert.Equal(enqueued.Count, finished.Count);
        });
        await stop.CancelAsync();
        await watcher;
        Assert.Equal(enqueued.Select(e => e.Conversation).Order(StringComparer.Ordinal), finished.Order(StringComparer.Ordinal));
    }
}
