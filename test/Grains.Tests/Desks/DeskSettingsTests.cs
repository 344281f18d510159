using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Desk settings: validated, and who is listed decides who gets the desk's chats and at what capacity.</summary>
public sealed class DeskSettingsTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Settings_that_make_no_sense_are_refused_invalid()
    {
        var desk = shared.Chat.Desk(Id("bad"));
        var good = new DeskSettings("Bad", ["a"], [], 2, TimeSpan.FromMinutes(2), TimeSpan.FromHours(1));
        foreach (var settings in new[] { good with { Name = " " }, good with { AgentCapacity = 0 }, good with { StickyWindow = TimeSpan.FromSeconds(-1) }, good with { Agents = [""] } })
        {
            var error = await Assert.ThrowsAsync<ChatException>(() => desk.Configure(settings));
            Assert.Equal(ErrorCodes.Invalid, error.Code);
        }
    }

    [Fact]
    public async Task An_agent_removed_from_a_desk_gets_no_more_of_its_chats_and_capacity_follows_the_desk()
    {
        var chat = shared.Chat;
        var (deskId, ann, bob) = (Id("desk"), Id("ann"), Id("bob"));
        var desk = await chat.NewDeskAsync(deskId, [ann, bob], capacity: 1);
        await chat.OnlineAsync(ann, bob);
        Assert.Equal(1, (await chat.Agent(bob).GetLoad()).Capacity);
        Assert.Equal(ann, (await desk.Enqueue(Id("s:1"), "v1")).AgentId);

        var view = await desk.GetView();
        await desk.Configure(view.Settings with { Agents = [ann] });
        Assert.Equal(0, (await chat.Agent(bob).GetLoad()).Capacity);
        Assert.Equal(1, (await desk.Enqueue(Id("s:2"), "v2")).Position);

        // Raising the desk's default gives Ann a second slot, and the waiting chat takes it at once.
        await desk.Configure(view.Settings with { Agents = [ann], AgentCapacity = 2 });
        Assert.Empty((await desk.GetView()).Queue);
        Assert.Equal(2, (await chat.Agent(ann).GetLoad()).Chats.Count);
    }
}
