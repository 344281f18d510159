using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>The ETA a waiting visitor sees: unknown until the desk has handle times, then average × position ÷ online slots.</summary>
public sealed class DeskEtaTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task The_eta_is_unknown_before_any_chat_ended_and_then_follows_the_handle_times()
    {
        var chat = shared.Chat;
        var ann = Id("ann");
        var desk = await chat.NewDeskAsync(Id("eta"), [ann], capacity: 2);
        await chat.OnlineAsync(ann);
        var (c1, c2, c3) = (Id("s:e1"), Id("s:e2"), Id("s:e3"));
        await desk.Enqueue(c1, "v1");
        await desk.Enqueue(c2, "v2");
        var waiting = await desk.Enqueue(c3, "v3");
        Assert.Equal(1, waiting.Position);
        Assert.Null(waiting.Eta);
        Assert.Null((await desk.GetView()).AverageHandleTime);

        await chat.AdvanceAsync(TimeSpan.FromMinutes(4));
        await chat.Agent(ann).Finish(c1);
        await Eventually.Holds(async () => Assert.Equal(TimeSpan.FromMinutes(4), (await desk.GetView()).AverageHandleTime));
        Assert.Equal(ann, (await desk.Position(c3)).AgentId);

        var later = Enumerable.Range(4, 3).Select(i => Id($"s:e{i}")).ToArray();
        foreach (var c in later) await desk.Enqueue(c, "v-" + c);
        // 4 minutes × position ÷ 2 online slots.
        Assert.Equal([TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6)], await Task.WhenAll(later.Select(async c => (await desk.Position(c)).Eta!.Value)));

        await chat.AdvanceAsync(TimeSpan.FromMinutes(2));
        await chat.Agent(ann).Finish(c2);
        // Handle times 4 and 6 minutes average 5; the first of the three is served, the other two move up.
        await Eventually.Holds(async () => Assert.Equal(TimeSpan.FromMinutes(5), (await desk.GetView()).AverageHandleTime));
        await Eventually.Holds(async () => Assert.Equal(ann, (await desk.Position(later[0])).AgentId));
        Assert.Equal(TimeSpan.FromSeconds(150), (await desk.Position(later[1])).Eta);
        Assert.Equal(TimeSpan.FromSeconds(300), (await desk.Position(later[2])).Eta);
    }
}
