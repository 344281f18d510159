using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>A chat its agent leaves unanswered past the desk's no-answer timeout goes back to the head of the queue (manual clock).</summary>
public sealed class DeskNoAnswerTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The timeout plus the desk's retry interval (15 s), the longest a take-back waits.</summary>
    private static readonly TimeSpan PastTimeout = Timeout + TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_unanswered_chat_goes_to_another_agent_and_is_audited()
    {
        var chat = shared.Chat;
        var (ann, bob, deskId, c1) = (Id("ann"), Id("bob"), Id("na"), Id("s:na1"));
        var desk = await chat.NewDeskAsync(deskId, [ann, bob], capacity: 1, noAnswer: Timeout);
        await chat.OnlineAsync(ann);
        Assert.Equal(ann, (await desk.Enqueue(c1, "vic")).AgentId);
        await chat.OnlineAsync(bob);

        await chat.AdvanceAsync(TimeSpan.FromMinutes(1));
        // A reply by someone other than the assigned agent does not count.
        Assert.False(await desk.AgentReplied(c1, bob));
        Assert.False(await desk.AgentReplied(Id("s:unknown"), ann));
        await chat.AdvanceAsync(PastTimeout - TimeSpan.FromMinutes(1));

        await Eventually.Holds(async () => Assert.Equal(bob, (await desk.Position(c1)).AgentId));
        await Eventually.Holds(async () => Assert.Empty((await chat.Agent(ann).GetLoad()).Chats));
        Assert.Equal([c1], (await chat.Agent(bob).GetLoad()).Chats);
        await chat.AssertLoadsSoundAsync([ann, bob]);

        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId))).Entries;
        Assert.Equal([(AuditActions.Assign, c1), (AuditActions.NoAnswer, c1), (AuditActions.Assign, c1)], audit.Reverse().Select(e => (e.Action, e.Target)));
        Assert.Contains(ann, audit.Single(e => e.Action == AuditActions.NoAnswer).Details);
    }

    [Fact]
    public async Task An_answered_chat_stays_with_its_agent()
    {
        var chat = shared.Chat;
        var (ann, bob, c1) = (Id("ann"), Id("bob"), Id("s:kept"));
        var desk = await chat.NewDeskAsync(Id("na"), [ann, bob], capacity: 1, noAnswer: Timeout);
        await chat.OnlineAsync(ann);
        Assert.Equal(ann, (await desk.Enqueue(c1, "vic")).AgentId);
        await chat.OnlineAsync(bob);
        await chat.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.True(await desk.AgentReplied(c1, ann));
        await chat.DeactivateAsync(desk);

        await chat.AdvanceAsync(PastTimeout + PastTimeout);
        Assert.Equal(ann, (await desk.Position(c1)).AgentId);
        Assert.Equal([c1], (await chat.Agent(ann).GetLoad()).Chats);
    }

    [Fact]
    public async Task A_taken_back_chat_waits_at_the_head_for_another_agent()
    {
        var chat = shared.Chat;
        var (ann, bob, cat) = (Id("ann"), Id("bob"), Id("cat"));
        var (c1, c2, c3) = (Id("s:h1"), Id("s:h2"), Id("s:h3"));
        var desk = await chat.NewDeskAsync(Id("na"), [ann, bob, cat], capacity: 1, noAnswer: Timeout);
        await chat.OnlineAsync(ann, bob);
        Assert.Equal(ann, (await desk.Enqueue(c1, "v1")).AgentId);
        Assert.Equal(bob, (await desk.Enqueue(c2, "v2")).AgentId);
        Assert.True(await desk.AgentReplied(c2, bob));
        Assert.Equal(1, (await desk.Enqueue(c3, "v3")).Position);
        // Ann leaves without answering; nobody else has a free slot.
        await chat.Agent(ann).SetStatus(AgentStatus.Away);

        await chat.AdvanceAsync(PastTimeout);
        await Eventually.Holds(async () => Assert.Equal(1, (await desk.Position(c1)).Position));
        Assert.Equal(2, (await desk.Position(c3)).Position);
        await Eventually.Holds(async () => Assert.Empty((await chat.Agent(ann).GetLoad()).Chats));

        await chat.OnlineAsync(cat);
        await Eventually.Holds(async () => Assert.Equal(cat, (await desk.Position(c1)).AgentId));
        Assert.Equal(1, (await desk.Position(c3)).Position);
    }

    [Fact]
    public async Task A_desk_whose_only_free_agent_ignored_a_chat_offers_it_to_that_agent_again()
    {
        var chat = shared.Chat;
        var (ann, deskId, c1) = (Id("ann"), Id("na"), Id("s:solo"));
        var desk = await chat.NewDeskAsync(deskId, [ann], capacity: 1, noAnswer: Timeout);
        await chat.OnlineAsync(ann);
        Assert.Equal(ann, (await desk.Enqueue(c1, "vic")).AgentId);

        await chat.AdvanceAsync(PastTimeout);
        await Eventually.Holds(async () => Assert.Single((await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId, Limit: 10))).Entries, e => e.Action == AuditActions.NoAnswer));
        await Eventually.Holds(async () => Assert.Equal(ann, (await desk.Position(c1)).AgentId));
        Assert.Equal([c1], (await chat.Agent(ann).GetLoad()).Chats);
        // Assigned afresh: the timeout runs again from the new assignment.
        Assert.True(await desk.AgentReplied(c1, ann));
    }
}
