using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>LeaveMessage, ListTickets and TakeTicket over the hub: the visitor finds the answer in their conversation.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TicketHubTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task A_message_left_while_nobody_is_online_is_answered_by_the_agent_who_takes_it()
    {
        var ann = await FlowHubKit.HostTokenAsync(Server, "ann", ChatRoles.Agent);
        var deskId = await FlowHubKit.NewDeskAsync(Server, [ann.UserId], []);
        var (visitor, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await using var annHub = await HubClient.ConnectAsync(Server.Address, ann.Token);

        await HubAssert.FailsWith("invalid", () => visitorHub.InvokeAsync("LeaveMessage", new { deskId, name = "Vic", text = "hello" }));
        await HubAssert.FailsWith("invalid", () => visitorHub.InvokeAsync("LeaveMessage", new { deskId, name = "Vic", contact = "vic@example.org", text = new string('x', 4001) }));
        await HubAssert.FailsWith("not_found", () => visitorHub.InvokeAsync("LeaveMessage", new { deskId = "nodesk-" + Guid.NewGuid().ToString("N")[..8], contact = "vic@example.org", text = "hello" }));
        var ticket = await visitorHub.InvokeAsync("LeaveMessage", new { deskId, name = "Vic", contact = "vic@example.org", text = "Where is my parcel?" });
        var id = ticket.Str("conversationId");
        Assert.Equal(($"s:{deskId}:{visitor.UserId}", "vic@example.org"), (id, ticket.Str("contact")));
        Assert.Equal(["Where is my parcel?"], (await visitorHub.InvokeAsync("History", id, 100, 50)).Items().Select(m => m.Str("text")));
        Assert.True((await visitorHub.InvokeAsync("GetQueuePosition", id)).GetProperty("position").ValueKind == System.Text.Json.JsonValueKind.Null);

        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("ListTickets", deskId));
        var listed = Assert.Single((await annHub.InvokeAsync("ListTickets", deskId)).Items());
        Assert.Equal((id, "ticket", "Where is my parcel?"), (listed.Str("conversationId"), listed.Str("status"), listed.GetProperty("ticket").Str("text")));
        // A whole case: who the visitor is, and the ticket's name, contact and time.
        Assert.Equal(("Visitor", "Vic", "vic@example.org"), (listed.GetProperty("visitor").Str("displayName"), listed.GetProperty("ticket").Str("name"), listed.GetProperty("ticket").Str("contact")));
        Assert.Equal(ticket.Str("at"), listed.GetProperty("ticket").Str("at"));
        Assert.Equal("ticket", (await annHub.InvokeAsync("GetServiceCase", id)).Str("status"));

        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("TakeTicket", id));
        var taken = await annHub.InvokeAsync("TakeTicket", id);
        Assert.Equal((ann.UserId, "open", "Where is my parcel?"), (taken.Str("agentId"), taken.Str("status"), taken.GetProperty("ticket").Str("text")));
        await HubAssert.FailsWith("not_found", () => annHub.InvokeAsync("TakeTicket", id));
        Assert.Empty((await annHub.InvokeAsync("ListTickets", deskId)).Items());
        await annHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a1", kind = "text", text = "It ships today." });

        // The visitor comes back and reads the answer in the same conversation.
        await visitorHub.DisposeAsync();
        await using var backHub = await HubClient.ConnectAsync(Server.Address, visitor.Token);
        Assert.Equal(["Where is my parcel?", "It ships today."], (await backHub.InvokeAsync("History", id, 100, 50)).Items().Select(m => m.Str("text")));
    }
}
