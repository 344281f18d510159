using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Service chats as cases over the hub: status, labels, notes, rating, the board, and the "case" and "note" events.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CaseHubTests(GatewayFixture fixture)
{
    private static int s_next;

    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Staff_read_a_case_with_the_visitor_s_attributes_and_list_chats_by_status_and_label()
    {
        await using var s = await SceneAsync();
        var found = await s.Agent.InvokeAsync("GetServiceCase", s.Id);
        Assert.Equal((s.Id, s.DeskId, s.VisitorId, "open"), (found.Str("conversationId"), found.Str("deskId"), found.Str("visitorId"), found.Str("status")));
        Assert.Equal("Ann", found.GetProperty("visitor").Str("displayName"));
        Assert.Equal("A-1001", found.GetProperty("visitor").GetProperty("attributes").Str("orderId"));
        Assert.Equal(s.AgentId, found.Str("agentId"));
        Assert.Equal("open", (await s.Operator.InvokeAsync("GetServiceCase", s.Id)).Str("status"));

        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("GetServiceCase", s.Id));
        await HubAssert.FailsWith("forbidden", () => s.Outsider.InvokeAsync("GetServiceCase", s.Id));
        await HubAssert.FailsWith("invalid", () => s.Agent.InvokeAsync("GetServiceCase", "g:123"));
        await HubAssert.FailsWith("not_found", () => s.Agent.InvokeAsync("GetServiceCase", $"s:{s.DeskId}:nobody-here"));

        await s.Agent.InvokeAsync("SetServiceLabels", s.Id, new[] { "billing" });
        Assert.Equal([s.Id], await ListedAsync(s.Agent, new { deskId = s.DeskId, status = "open", label = "billing" }));
        Assert.Empty(await ListedAsync(s.Agent, new { deskId = s.DeskId, status = "resolved" }));
        Assert.Empty(await ListedAsync(s.Agent, new { deskId = s.DeskId, label = "bug" }));
        await HubAssert.FailsWith("invalid", () => s.Agent.InvokeAsync("ListServiceChats", new { deskId = s.DeskId, status = "closed" }));
        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("ListServiceChats", new { deskId = s.DeskId }));
        await HubAssert.FailsWith("forbidden", () => s.Outsider.InvokeAsync("ListServiceChats", new { deskId = s.DeskId }));
    }

    [Fact]
    public async Task Status_and_labels_change_by_the_agent_or_a_supervisor_and_the_agent_gets_case_events()
    {
        await using var s = await SceneAsync();
        Assert.Equal("pending", (await s.Agent.InvokeAsync("SetServiceStatus", s.Id, "pending")).Str("status"));
        await s.Agent.WaitForEventAsync("case", e => e.Str("conversationId") == s.Id && e.Str("status") == "pending");
        Assert.Equal("open", (await s.Supervisor.InvokeAsync("SetServiceStatus", s.Id, "open")).Str("status"));
        await HubAssert.FailsWith("invalid", () => s.Agent.InvokeAsync("SetServiceStatus", s.Id, "closed"));
        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("SetServiceStatus", s.Id, "pending"));
        await HubAssert.FailsWith("forbidden", () => s.Outsider.InvokeAsync("SetServiceStatus", s.Id, "pending"));

        var labelled = await s.Agent.InvokeAsync("SetServiceLabels", s.Id, new[] { "billing", "bug" });
        Assert.Equal(["billing", "bug"], labelled.Items("labels").Select(l => l.GetString()));
        await s.Agent.WaitForEventAsync("case", e => e.Items("labels").Length == 2);
        await HubAssert.FailsWith("invalid", () => s.Agent.InvokeAsync("SetServiceLabels", s.Id, new[] { "vip" }));
        await HubAssert.FailsWith("invalid", () => s.Agent.InvokeAsync("SetServiceLabels", s.Id, "billing"));
        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("SetServiceLabels", s.Id, new[] { "bug" }));

        var resolved = await s.Supervisor.InvokeAsync("SetServiceStatus", s.Id, "resolved");
        Assert.Equal("resolved", resolved.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, resolved.GetProperty("resolvedAt").ValueKind);
        await s.Agent.WaitForEventAsync("case", e => e.Str("status") == "resolved");
        await HubAssert.FailsWith("not_found", () => s.Agent.InvokeAsync("SetServiceStatus", s.Id, "resolved"));
        await HubAssert.FailsWith("conflict", () => s.Agent.InvokeAsync("SetServiceStatus", s.Id, "pending"));
    }

    [Fact]
    public async Task Private_notes_go_to_staff_as_note_events_and_never_to_the_visitor()
    {
        await using var s = await SceneAsync();
        await s.Visitor.InvokeAsync("Send", new { conversationId = s.Id, clientMsgId = "v1", kind = "text", text = "hello" });
        var note = await s.Supervisor.InvokeAsync("AddServiceNote", s.Id, "VIP, refund ok");
        Assert.Equal((s.Id, s.SupervisorId, "VIP, refund ok"), (note.Str("conversationId"), note.Str("authorId"), note.Str("text")));
        await s.Agent.WaitForEventAsync("note", e => e.Str("noteId") == note.Str("noteId"));
        await s.Supervisor.WaitForEventAsync("note", e => e.Str("noteId") == note.Str("noteId"));
        await s.Agent.InvokeAsync("AddServiceNote", s.Id, "promised a call");
        Assert.Equal(["VIP, refund ok", "promised a call"], (await s.Agent.InvokeAsync("ListServiceNotes", s.Id)).Items().Select(n => n.Str("text")));

        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("AddServiceNote", s.Id, "hi"));
        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("ListServiceNotes", s.Id));
        await HubAssert.FailsWith("forbidden", () => s.Outsider.InvokeAsync("ListServiceNotes", s.Id));
        await HubAssert.FailsWith("invalid", () => s.Agent.InvokeAsync("AddServiceNote", s.Id, ""));

        await s.Agent.InvokeAsync("Send", new { conversationId = s.Id, clientMsgId = "a1", kind = "text", text = "on it" });
        await s.Visitor.WaitForEventAsync("message", e => e.Str("text") == "on it");
        Assert.Empty(s.Visitor.Events("note"));
        Assert.Equal(["hello", "on it"], (await s.Visitor.InvokeAsync("History", s.Id, 100, 50)).Items().Select(m => m.Str("text")));
        Assert.DoesNotContain(s.Visitor.Events("message"), m => m.Str("text").Contains("VIP"));
    }

    [Fact]
    public async Task The_visitor_rates_a_resolved_chat_and_the_board_shows_it_to_supervisors()
    {
        await using var s = await SceneAsync();
        var rating = new { conversationId = s.Id, rating = 4, comment = "quick" };
        await HubAssert.FailsWith("conflict", () => s.Visitor.InvokeAsync("RateServiceChat", rating));
        await s.Agent.InvokeAsync("FinishServiceChat", s.Id);
        await HubAssert.FailsWith("forbidden", () => s.Agent.InvokeAsync("RateServiceChat", rating));
        await HubAssert.FailsWith("invalid", () => s.Visitor.InvokeAsync("RateServiceChat", new { conversationId = s.Id, rating = 0 }));
        await HubAssert.FailsWith("invalid", () => s.Visitor.InvokeAsync("RateServiceChat", new { conversationId = s.Id }));
        var rated = await s.Visitor.InvokeAsync("RateServiceChat", rating);
        Assert.Equal((4, "quick"), (rated.Long("rating"), rated.Str("ratingComment")));
        await s.Agent.WaitForEventAsync("case", e => e.GetProperty("rating").ValueKind == JsonValueKind.Number);

        await HubAssert.FailsWith("forbidden", () => s.Agent.InvokeAsync("GetDeskBoard", s.DeskId));
        await HubAssert.FailsWith("forbidden", () => s.Visitor.InvokeAsync("GetDeskBoard", s.DeskId));
        await HubAssert.FailsWith("invalid", () => s.Supervisor.InvokeAsync("GetDeskBoard", "a:b"));
        await HubAssert.FailsWith("not_found", () => s.Operator.InvokeAsync("GetDeskBoard", $"nodesk-{Guid.NewGuid():N}"[..20]));
        JsonElement board = default;
        for (var i = 0; i < 100; i++)
        {
            board = await s.Supervisor.InvokeAsync("GetDeskBoard", s.DeskId);
            if (board.GetProperty("today").Long("ratings") == 1) break;
            await Task.Delay(50);
        }
        Assert.Equal((0, 1, 4.0), (board.Long("queueLength"), board.GetProperty("today").Long("chatsHandled"), board.GetProperty("today").GetProperty("csat").GetDouble()));
        var agent = Assert.Single(board.Items("agents"));
        Assert.Equal((s.AgentId, "agent", "online", 0), (agent.Str("agentId"), agent.Str("displayName"), agent.Str("status"), agent.Long("load")));
        Assert.Equal(s.AgentId, Assert.Single(board.Items("agentsToday")).Str("agentId"));
        Assert.Equal(s.DeskId, (await s.Operator.InvokeAsync("GetDeskBoard", s.DeskId)).Str("deskId"));
    }

    [Fact]
    public async Task The_host_token_refuses_bad_attributes()
    {
        var userId = $"att-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..30];
        foreach (var attributes in new object[]
        {
            new Dictionary<string, string> { ["order id"] = "1" },
            new Dictionary<string, string> { [new string('k', 41)] = "1" },
            new Dictionary<string, string> { ["orderId"] = new string('v', 201) },
            Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v"),
        })
        {
            var response = await PostTokenAsync(new { userId, displayName = "Ann", role = "user", attributes });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("invalid", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        }
    }

    private static async Task<string[]> ListedAsync(HubClient hub, object query)
    {
        for (var i = 0; ; i++)
        {
            var ids = (await hub.InvokeAsync("ListServiceChats", query)).Items().Select(c => c.Str("conversationId")).ToArray();
            if (ids.Length > 0 || i == 40) return ids;
            await Task.Delay(50);
        }
    }

    /// <summary>A desk with an agent and a supervisor, a visitor with attributes served by the agent, an operator and an outsider agent.</summary>
    private async Task<Scene> SceneAsync()
    {
        var agent = await HostTokenAsync("agent", ChatRoles.Agent);
        var supervisor = await HostTokenAsync("super", ChatRoles.Agent);
        var outsider = await HostTokenAsync("other", ChatRoles.Agent);
        var op = await HostTokenAsync("oper", ChatRoles.Operator);
        var visitor = await HostTokenAsync("visitor", ChatRoles.User, "Ann", new Dictionary<string, string> { ["orderId"] = "A-1001" });
        var deskId = $"desk-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..30];
        await Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeskGrain>(deskId)
            .Configure(new DeskSettings("Help", [agent.UserId], [supervisor.UserId], 2, TimeSpan.Zero, TimeSpan.FromMinutes(1), Labels: ["billing", "bug"]));
        var s = new Scene(deskId, agent.UserId, supervisor.UserId, visitor.UserId,
            await HubClient.ConnectAsync(Server.Address, agent.Token), await HubClient.ConnectAsync(Server.Address, supervisor.Token),
            await HubClient.ConnectAsync(Server.Address, visitor.Token), await HubClient.ConnectAsync(Server.Address, outsider.Token),
            await HubClient.ConnectAsync(Server.Address, op.Token));
        await s.Agent.InvokeAsync("SetAgentStatus", "online");
        s.Id = (await s.Visitor.InvokeAsync("OpenServiceChat", deskId)).GetProperty("conversation").Str("conversationId");
        await s.Agent.WaitForEventAsync("case", e => e.Str("conversationId") == s.Id && e.Str("status") == "open");
        return s;
    }

    private async Task<IssuedToken> HostTokenAsync(string name, string role, string? displayName = null, Dictionary<string, string>? attributes = null)
    {
        var userId = $"{name}-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..30];
        var response = await PostTokenAsync(new { userId, displayName = displayName ?? name, role, attributes });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
    }

    private async Task<HttpResponseMessage> PostTokenAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", GatewayServer.ApiKey);
        return await Server.Http.SendAsync(request);
    }

    private sealed record Scene(string DeskId, string AgentId, string SupervisorId, string VisitorId, HubClient Agent, HubClient Supervisor, HubClient Visitor, HubClient Outsider, HubClient Operator) : IAsyncDisposable
    {
        public string Id { get; set; } = "";

        public async ValueTask DisposeAsync()
        {
            foreach (var hub in new[] { Agent, Supervisor, Visitor, Outsider, Operator }) await hub.DisposeAsync();
        }
    }
}
