using System.Net.Http.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Customer service over the hub: a visitor opens a service chat, an agent is assigned, both talk, the agent finishes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ServiceChatTests(GatewayFixture fixture)
{
    private static int s_next;

    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task A_visitor_is_served_by_the_agent_who_comes_online_and_the_agent_leaves_when_finished()
    {
        var agent = await HostTokenAsync("agent", ChatRoles.Agent);
        var deskId = await NewDeskAsync(agent.UserId);
        var (visitor, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var _ = visitorHub;

        var opened = await visitorHub.InvokeAsync("OpenServiceChat", deskId);
        var conversation = opened.GetProperty("conversation");
        var id = conversation.Str("conversationId");
        Assert.Equal($"s:{deskId}:{visitor.UserId}", id);
        Assert.Equal("service", conversation.Str("kind"));
        Assert.Equal(1, opened.GetProperty("queue").Long("position"));
        Assert.Equal(id, (await visitorHub.InvokeAsync("OpenServiceChat", deskId)).GetProperty("conversation").Str("conversationId"));
        Assert.Equal(1, (await visitorHub.InvokeAsync("GetQueuePosition", id)).Long("position"));

        var state = await agentHub.InvokeAsync("SetAgentStatus", "online");
        Assert.Equal("online", state.Str("status"));
        var assigned = await agentHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);
        Assert.Equal(visitor.UserId, assigned.Str("visitorId"));
        Assert.Equal(deskId, assigned.Str("deskId"));
        await visitorHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == id
            && e.Items("members").Any(m => m.Str("userId") == agent.UserId && m.Str("role") == "agent"));
        await visitorHub.WaitForEventAsync("queue", e => e.Str("conversationId") == id && e.Str("agentId") == agent.UserId);
        Assert.Equal(agent.UserId, (await visitorHub.InvokeAsync("GetQueuePosition", id)).Str("agentId"));
        Assert.Equal([id], (await agentHub.InvokeAsync("GetAgentState")).Items("chats").Select(c => c.GetString()));

        for (var i = 1; i <= 3; i++)
        {
            await visitorHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"v{i}", kind = "text", text = $"visitor {i}" });
            await agentHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"a{i}", kind = "text", text = $"agent {i}" });
        }
        string[] expected = ["visitor 1", "agent 1", "visitor 2", "agent 2", "visitor 3", "agent 3"];
        foreach (var hub in new[] { visitorHub, agentHub })
        {
            var messages = await hub.WaitForEventsAsync("message", 6);
            Assert.Equal(expected, messages.OrderBy(m => m.Long("seq")).Select(m => m.Str("text")));
            Assert.Equal(expected, (await hub.InvokeAsync("History", id, 100, 50)).Items().Select(m => m.Str("text")));
        }

        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("SetAgentStatus", "online"));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("FinishServiceChat", id));

        var finished = await agentHub.InvokeAsync("FinishServiceChat", id);
        Assert.Empty(finished.Items("chats"));
        await visitorHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == id
            && e.Items("members").All(m => m.Str("userId") != agent.UserId));
        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("History", id, 100, 50));
    }

    [Fact]
    public async Task Service_methods_refuse_bad_arguments_and_unknown_desks_with_codes()
    {
        var agent = await HostTokenAsync("agent", ChatRoles.Agent);
        var deskId = await NewDeskAsync(agent.UserId);
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        var (_, strangerHub) = await Server.ConnectGuestAsync("Stranger");
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var _ = visitorHub;
        await using var __ = strangerHub;

        await HubAssert.FailsWith("invalid", () => visitorHub.InvokeAsync("OpenServiceChat", "a:b"));
        await HubAssert.FailsWith("invalid", () => visitorHub.InvokeAsync("OpenServiceChat", 42));
        await HubAssert.FailsWith("not_found", () => visitorHub.InvokeAsync("OpenServiceChat", $"nodesk-{Interlocked.Increment(ref s_next)}"));
        await HubAssert.FailsWith("invalid", () => visitorHub.InvokeAsync("GetQueuePosition", "g:123"));
        var id = (await visitorHub.InvokeAsync("OpenServiceChat", deskId)).GetProperty("conversation").Str("conversationId");
        await HubAssert.FailsWith("forbidden", () => strangerHub.InvokeAsync("GetQueuePosition", id));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("GetAgentState"));
        await HubAssert.FailsWith("invalid", () => agentHub.InvokeAsync("SetAgentStatus", "asleep"));
        await HubAssert.FailsWith("not_found", () => agentHub.InvokeAsync("FinishServiceChat", id));
    }

    [Fact]
    public async Task A_supervisor_takes_a_chat_over_and_the_agent_leaves()
    {
        var agent = await HostTokenAsync("agent", ChatRoles.Agent);
        var supervisor = await HostTokenAsync("super", ChatRoles.Agent);
        var deskId = $"desk-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..30];
        await Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeskGrain>(deskId)
            .Configure(new DeskSettings("Help", [agent.UserId], [supervisor.UserId], 2, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var supervisorHub = await HubClient.ConnectAsync(Server.Address, supervisor.Token);
        var id = (await visitorHub.InvokeAsync("OpenServiceChat", deskId)).GetProperty("conversation").Str("conversationId");
        await agentHub.InvokeAsync("SetAgentStatus", "online");
        await agentHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);

        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("TakeOverServiceChat", id));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("TakeOverServiceChat", id));
        Assert.Equal(supervisor.UserId, (await supervisorHub.InvokeAsync("TakeOverServiceChat", id)).Str("agentId"));
        await supervisorHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);
        await visitorHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == id
            && e.Items("members").Any(m => m.Str("userId") == supervisor.UserId && m.Str("role") == "agent")
            && e.Items("members").All(m => m.Str("userId") != agent.UserId));
        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("FinishServiceChat", id));
        Assert.Empty((await supervisorHub.InvokeAsync("FinishServiceChat", id)).Items("chats"));
    }

    private async Task<IssuedToken> HostTokenAsync(string name, string role)
    {
        var userId = $"{name}-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..40];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token")
        {
            Content = JsonContent.Create(new { userId, displayName = name, role }),
        };
        request.Headers.Add("X-Api-Key", GatewayServer.ApiKey);
        var response = await Server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
    }

    /// <summary>Desks have no REST or hub method to configure them yet: set one up through the embedded silo.</summary>
    private async Task<string> NewDeskAsync(params string[] agents)
    {
        var deskId = $"desk-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..30];
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IDeskGrain>(deskId).Configure(new DeskSettings("Help", agents, [], 2, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)));
        return deskId;
    }
}
