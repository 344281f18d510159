using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Issue 10 item 2: an agent goes offline with their last device and away when idle (manual clock, 10 min default).</summary>
public sealed class AgentPresenceTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task An_agent_goes_offline_when_the_last_device_disconnects()
    {
        var chat = shared.Chat;
        var ann = Id("ann");
        await chat.SignUpAsync(ann);
        await chat.NewDeskAsync(Id("dev"), [ann]);
        await chat.ConnectAsync(ann, "ann-web");
        await chat.ConnectAsync(ann, "ann-phone");
        await chat.OnlineAsync(ann);

        await chat.User(ann).Disconnect("ann-phone");
        Assert.Equal(AgentStatus.Online, (await chat.Agent(ann).GetLoad()).Status);
        await chat.User(ann).Disconnect("ann-web");
        await Eventually.Holds(async () => Assert.Equal(AgentStatus.Offline, (await chat.Agent(ann).GetLoad()).Status));

        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(Actor: ann))).Entries;
        Assert.Contains("last device disconnected", audit[0].Details);

        // Back with a device, the agent chooses online again.
        await chat.ConnectAsync(ann, "ann-web");
        await chat.OnlineAsync(ann);
        Assert.Equal(AgentStatus.Online, (await chat.Agent(ann).GetLoad()).Status);
    }

    [Fact]
    public async Task An_idle_agent_goes_away_and_comes_back_with_activity()
    {
        var chat = shared.Chat;
        var (ann, vic) = (Id("ann"), Id("vic"));
        await chat.SignUpAsync(ann, vic);
        var desk = await chat.NewDeskAsync(Id("idle"), [ann]);
        // No device: an unrefreshed one would expire while the clock moves and take the agent offline instead.
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        await Eventually.Holds(async () => Assert.Equal(ann, (await desk.Position(id)).AgentId));

        await chat.AdvanceAsync(Idle + Idle / 2);
        await Eventually.Holds(async () => Assert.Equal(AgentStatus.Away, (await chat.Agent(ann).GetLoad()).Status));

        // A message is activity: the idle away ends by itself.
        await chat.Conversation(id).Send(ann, Text(id, "a1", "sorry, back"));
        await Eventually.Holds(async () => Assert.Equal(AgentStatus.Online, (await chat.Agent(ann).GetLoad()).Status));
        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(Actor: ann))).Entries;
        Assert.Contains("idle", audit[1].Details);
        Assert.Contains("active again", audit[0].Details);

        // An away the agent chose stays, whatever the activity.
        await chat.Agent(ann).SetStatus(AgentStatus.Away);
        await chat.Conversation(id).Send(ann, Text(id, "a2", "one more thing"));
        await chat.AdvanceAsync(Idle / 4);
        Assert.Equal(AgentStatus.Away, (await chat.Agent(ann).GetLoad()).Status);
    }
}
