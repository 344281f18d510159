using System.Net.Http.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests.Desks;

/// <summary>The embedded default seeds the demo desk "sales" and its staff; Seed:Demo=false leaves them out.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AdminSeedTests(GatewayFixture fixture)
{
    private const string Password = "demo-password";

    [Fact]
    public async Task The_embedded_default_has_desk_sales_and_agent1_signs_in_as_its_agent()
    {
        var server = fixture.Server;
        var agent1 = await LoginAsync(server, "agent1");
        Assert.NotNull(agent1);
        var supervisor = await LoginAsync(server, "supervisor");
        var (status, desk) = await server.SendAsync(HttpMethod.Get, "/api/desks/sales", agent1);
        Assert.Equal(200, status);
        Assert.Equal("Sales", desk.Str("name"));
        Assert.Equal(["agent1", "agent2", "supervisor"], desk.Items("agents").Select(a => a.GetString()));
        Assert.Equal(["supervisor"], desk.Items("supervisors").Select(a => a.GetString()));
        var replies = desk.Items("quickReplies").Select(r => r.Str("text")).ToList();
        Assert.Equal(2, replies.Count);
        Assert.Contains(replies, t => t.Contains("{name}"));
        Assert.Contains(replies, t => t.Contains("{orderId}"));
        Assert.NotEmpty(desk.Items("labels"));

        await using var agentHub = await HubClient.ConnectAsync(server.Address, agent1!.Token);
        var deskReplies = (await agentHub.InvokeAsync("GetQuickReplies", "sales")).Items().Where(r => r.Str("scope") == "desk");
        Assert.Equal(["hello", "order"], deskReplies.Select(r => r.Str("shortcut")));
        await agentHub.InvokeAsync("GetAgentState");
        await using var supervisorHub = await HubClient.ConnectAsync(server.Address, supervisor!.Token);
        await supervisorHub.InvokeAsync("ListBlockedVisitors", "sales");
        var (_, visitorHub) = await server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        Assert.Equal("Sales", (await visitorHub.InvokeAsync("GetDeskInfo", "sales")).Str("name"));
    }

    [Fact]
    public async Task Seed_Demo_false_creates_neither_the_desk_nor_the_accounts()
    {
        await using var server = await GatewayServer.StartAsync("--Seed:Demo=false");
        Assert.Null(await LoginAsync(server, "agent1"));
        var op = await server.UserAsync("op", ChatRoles.Operator);
        Assert.Equal(404, (await server.SendAsync(HttpMethod.Get, "/api/desks/sales", op)).Status);
    }

    private static async Task<IssuedToken?> LoginAsync(GatewayServer server, string userId)
    {
        var response = await server.Http.PostAsJsonAsync("/api/auth/login", new { userId, password = Password });
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<IssuedToken>() : null;
    }
}
