using System.Net.Http.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>TransferServiceChat over the hub: to another agent of the desk, and to another desk's queue.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TransferHubTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task An_agent_hands_a_chat_to_a_colleague_with_a_note_the_visitor_never_sees()
    {
        var ann = await FlowHubKit.HostTokenAsync(Server, "ann", ChatRoles.Agent);
        var bob = await FlowHubKit.HostTokenAsync(Server, "bob", ChatRoles.Agent);
        var deskId = await FlowHubKit.NewDeskAsync(Server, [ann.UserId, bob.UserId], []);
        var (visitor, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await using var annHub = await HubClient.ConnectAsync(Server.Address, ann.Token);
        await using var bobHub = await HubClient.ConnectAsync(Server.Address, bob.Token);
        var id = (await visitorHub.InvokeAsync("OpenServiceChat", deskId)).GetProperty("conversation").Str("conversationId");
        await annHub.InvokeAsync("SetAgentStatus", "online");
        await annHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);

        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toAgentId = bob.UserId }));
        await HubAssert.FailsWith("invalid", () => annHub.InvokeAsync("TransferServiceChat", new { conversationId = id }));
        await HubAssert.FailsWith("invalid", () => annHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toAgentId = bob.UserId, toDeskId = deskId }));
        await HubAssert.FailsWith("invalid", () => annHub.InvokeAsync("TransferServiceChat", new { conversationId = "g:1", toAgentId = bob.UserId }));
        // Bob is offline: the chat stays with Ann.
        await HubAssert.FailsWith("conflict", () => annHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toAgentId = bob.UserId }));
        await HubAssert.FailsWith("forbidden", () => bobHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toAgentId = bob.UserId }));
        Assert.Equal(ann.UserId, (await visitorHub.InvokeAsync("GetQueuePosition", id)).Str("agentId"));

        await bobHub.InvokeAsync("SetAgentStatus", "online");
        var moved = await annHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toAgentId = bob.UserId, note = "wants a refund" });
        Assert.Equal((bob.UserId, "open", deskId), (moved.Str("agentId"), moved.Str("status"), moved.Str("deskId")));
        var assigned = await bobHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);
        Assert.Equal((ann.UserId, "wants a refund"), (assigned.Str("transferredFrom"), assigned.Str("note")));
        // The answer is the whole case; the note is a private note on it, pushed to the new agent with the case.
        Assert.Equal(("Visitor", visitor.UserId), (moved.GetProperty("visitor").Str("displayName"), moved.Str("visitorId")));
        var note = await bobHub.WaitForEventAsync("note", e => e.Str("conversationId") == id);
        Assert.Equal((ann.UserId, "wants a refund"), (note.Str("authorId"), note.Str("text")));
        await bobHub.WaitForEventAsync("case", e => e.Str("conversationId") == id && e.Str("agentId") == bob.UserId);
        Assert.Equal(["wants a refund"], (await bobHub.InvokeAsync("ListServiceNotes", id)).Items().Select(n => n.Str("text")));
        await visitorHub.WaitForEventAsync("queue", e => e.Str("conversationId") == id && e.Str("agentId") == bob.UserId);
        await visitorHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == id
            && e.Items("members").Any(m => m.Str("userId") == bob.UserId && m.Str("role") == "agent")
            && e.Items("members").All(m => m.Str("userId") != ann.UserId));
        Assert.Empty((await annHub.InvokeAsync("GetAgentState")).Items("chats"));
        await bobHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "b1", kind = "text", text = "Bob here" });
        Assert.Equal(["Bob here"], (await visitorHub.InvokeAsync("History", id, 100, 50)).Items().Select(m => m.Str("text")));
        Assert.DoesNotContain(visitorHub.Events("queue").Concat(visitorHub.Events("conversation")).Concat(visitorHub.Events("message")), e => e.GetRawText().Contains("refund"));
        Assert.Empty(visitorHub.Events("note"));
        var sync = await visitorHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { [id] = 0 } });
        Assert.DoesNotContain("refund", sync.GetRawText());
        Assert.Empty(visitorHub.Events("assigned"));
        Assert.Empty((await bobHub.InvokeAsync("FinishServiceChat", id)).Items("chats"));
    }

    [Fact]
    public async Task A_chat_sent_to_another_desk_is_first_in_its_queue_and_served_there()
    {
        var ann = await FlowHubKit.HostTokenAsync(Server, "ann", ChatRoles.Agent);
        var cal = await FlowHubKit.HostTokenAsync(Server, "cal", ChatRoles.Agent);
        var homeId = await FlowHubKit.NewDeskAsync(Server, [ann.UserId], []);
        var otherId = await FlowHubKit.NewDeskAsync(Server, [cal.UserId], []);
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        var (_, waitingHub) = await Server.ConnectGuestAsync("Waiting");
        await using var _ = visitorHub;
        await using var __ = waitingHub;
        await using var annHub = await HubClient.ConnectAsync(Server.Address, ann.Token);
        await using var calHub = await HubClient.ConnectAsync(Server.Address, cal.Token);
        var id = (await visitorHub.InvokeAsync("OpenServiceChat", homeId)).GetProperty("conversation").Str("conversationId");
        await annHub.InvokeAsync("SetAgentStatus", "online");
        await annHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);
        var waiting = (await waitingHub.InvokeAsync("OpenServiceChat", otherId)).GetProperty("conversation").Str("conversationId");

        await HubAssert.FailsWith("not_found", () => annHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toDeskId = "nodesk-" + Guid.NewGuid().ToString("N")[..8] }));
        var moved = await annHub.InvokeAsync("TransferServiceChat", new { conversationId = id, toDeskId = otherId, note = "invoice question" });
        Assert.Equal((otherId, "queued"), (moved.Str("deskId"), moved.Str("status")));
        Assert.Equal("Visitor", moved.GetProperty("visitor").Str("displayName"));
        // The case is the other desk's now: its staff read it and the note, the home desk's agent no longer does.
        await HubAssert.FailsWith("forbidden", () => annHub.InvokeAsync("GetServiceCase", id));
        Assert.Equal(otherId, (await calHub.InvokeAsync("GetServiceCase", id)).Str("deskId"));
        Assert.Equal([(ann.UserId, "invoice question")], (await calHub.InvokeAsync("ListServiceNotes", id)).Items().Select(n => (n.Str("authorId"), n.Str("text"))));
        Assert.Contains((await calHub.InvokeAsync("ListServiceChats", new { deskId = otherId })).Items(), c => c.Str("conversationId") == id);
        await visitorHub.WaitForEventAsync("queue", e => e.Str("deskId") == otherId && e.Long("position") == 1);
        await waitingHub.WaitForEventAsync("queue", e => e.Str("conversationId") == waiting && e.Long("position") == 2);
        var position = await visitorHub.InvokeAsync("GetQueuePosition", id);
        Assert.Equal((otherId, 1L), (position.Str("deskId"), position.Long("position")));
        Assert.Empty((await annHub.InvokeAsync("GetAgentState")).Items("chats"));

        await calHub.InvokeAsync("SetAgentStatus", "online");
        await calHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id && e.Str("deskId") == otherId);
        await calHub.WaitForEventAsync("case", e => e.Str("conversationId") == id && e.Str("agentId") == cal.UserId && e.Str("deskId") == otherId);
        Assert.Equal(cal.UserId, (await visitorHub.InvokeAsync("GetQueuePosition", id)).Str("agentId"));
        Assert.DoesNotContain((await calHub.InvokeAsync("FinishServiceChat", id)).Items("chats"), c => c.GetString() == id);
    }
}

/// <summary>Accounts and desks for the desk hub tests (desks are configured through the embedded silo).</summary>
internal static class FlowHubKit
{
    private static int s_next;

    public static async Task<IssuedToken> HostTokenAsync(GatewayServer server, string name, string role)
    {
        var userId = $"{name}-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid().ToString("N")[..12]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token")
        {
            Content = JsonContent.Create(new { userId, displayName = name, role }),
        };
        request.Headers.Add("X-Api-Key", GatewayServer.ApiKey);
        var response = await server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
    }

    public static async Task<string> NewDeskAsync(GatewayServer server, string[] agents, string[] supervisors)
    {
        var deskId = $"flow-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..30];
        await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeskGrain>(deskId)
            .Configure(new DeskSettings("Help", agents, supervisors, 1, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        return deskId;
    }
}
