using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Agents' status changes and desks' assignments land in the audit log, readable through the audit grain.</summary>
public sealed class DeskAuditTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Status_changes_and_assignments_are_audited()
    {
        var chat = shared.Chat;
        var (ann, deskId, conversation) = (Id("ann"), Id("desk"), Id("s:audit"));
        var desk = await chat.NewDeskAsync(deskId, [ann]);
        await chat.OnlineAsync(ann);
        Assert.Equal(ann, (await desk.Enqueue(conversation, "vic")).AgentId);
        // Setting the same status again changes nothing and logs nothing.
        await chat.Agent(ann).SetStatus(AgentStatus.Online);
        await chat.Agent(ann).SetStatus(AgentStatus.Away);

        var audit = chat.Cluster.Client.GetGrain<IAuditLogGrain>(0);
        var byAnn = (await audit.Query(new AuditQuery(Actor: ann))).Entries;
        Assert.Equal([$"{AgentStatus.Online} -> {AgentStatus.Away}", $"{AgentStatus.Offline} -> {AgentStatus.Online}"], byAnn.Select(e => e.Details));
        Assert.All(byAnn, e => Assert.Equal((AuditActions.Status, ann), (e.Action, e.Target)));

        var byDesk = (await audit.Query(new AuditQuery(DeskId: deskId))).Entries;
        var assigned = Assert.Single(byDesk);
        Assert.Equal((AuditActors.System, AuditActions.Assign, conversation), (assigned.Actor, assigned.Action, assigned.Target));
        Assert.Contains(ann, assigned.Details);
        Assert.Equal(chat.Clock.GetUtcNow(), assigned.At);
    }
}
