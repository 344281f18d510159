using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests.Desks;

/// <summary>GET /api/desks, GET and PUT /api/desks/{deskId}: the DeskConfig round trip and who may read and change what.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AdminRestTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task An_operator_creates_a_desk_and_reads_back_exactly_what_was_put()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var deskId = AdminKit.NewId("sales");
        var config = new
        {
            deskId, name = "Sales", agents = new[] { "agent-a1" }, supervisors = new[] { "super-s1" }, agentCapacity = 3,
            noAnswerTimeoutSeconds = 120, stickyWindowSeconds = 3600, reopenWindowSeconds = 86400,
            hours = new { timeZone = "Europe/Berlin", open = new[] { new { day = "monday", opens = "09:00", closes = "17:00" } }, closedDates = new[] { "2026-12-25" } },
            greeting = "Hi! How can we help?", awayMessage = "We are away. Leave a message.",
            labels = new[] { "billing", "bug" }, quickReplies = new[] { new { shortcut = "hello", text = "Hello {name}, thanks for writing!" } },
        };
        var expected = JsonSerializer.SerializeToElement(config, JsonSerializerOptions.Web);

        var (status, put) = await Server.PutDeskAsync(deskId, op, config);
        Assert.Equal(200, status);
        AssertSameJson(expected, put);
        var (getStatus, got) = await Server.SendAsync(HttpMethod.Get, $"/api/desks/{deskId}", op);
        Assert.Equal(200, getStatus);
        AssertSameJson(expected, got);
        var (listStatus, list) = await Server.SendAsync(HttpMethod.Get, "/api/desks", op);
        Assert.Equal(200, listStatus);
        AssertSameJson(expected, Assert.Single(list.Items(), d => d.Str("deskId") == deskId));

        // Absent fields take their defaults, absent lists of staff stay as they were.
        var (_, minimal) = await Server.PutDeskAsync(deskId, op, new { name = "Sales 2" });
        Assert.Equal((3, 0, 86400), (minimal.Long("agentCapacity"), minimal.Long("noAnswerTimeoutSeconds"), minimal.Long("reopenWindowSeconds")));
        Assert.Equal(JsonValueKind.Null, minimal.GetProperty("hours").ValueKind);
        Assert.Equal(["agent-a1"], minimal.Items("agents").Select(a => a.GetString()));
        Assert.Empty(minimal.Items("labels"));
    }

    [Fact]
    public async Task Bad_configurations_are_refused_400_invalid_and_unknown_desks_404()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var deskId = AdminKit.NewId("bad");
        object[] bad =
        [
            new { agents = new[] { "a-1" } },
            new { name = "X", labels = new[] { new string('l', 41) } },
            new { name = "X", quickReplies = new[] { new { shortcut = "Hello World", text = "x" } } },
            new { name = "X", reopenWindowSeconds = 31L * 24 * 3600 },
            new { name = "X", noAnswerTimeoutSeconds = -1 },
            new { name = "X", agents = new[] { "no spaces allowed" } },
            new { name = "X", hours = new { timeZone = "Mars/Olympus", open = Array.Empty<object>() } },
            new { name = "X", hours = new { timeZone = "UTC", open = new[] { new { day = "someday", opens = "09:00", closes = "17:00" } } } },
            new { name = "X", hours = new { timeZone = "UTC", closedDates = new[] { "25.12.2026" } } },
            new { name = "X", deskId = "another-desk" },
            new { name = "X", agentCapacity = "many" },
            new { name = new string('n', 101) },
        ];
        foreach (var body in bad)
        {
            var (status, error) = await Server.PutDeskAsync(deskId, op, body);
            Assert.True(status == 400, $"{JsonSerializer.Serialize(body)} answered {status}");
            Assert.StartsWith("invalid: ", error.Str("error"));
        }
        var (notFound, missing) = await Server.SendAsync(HttpMethod.Get, $"/api/desks/{deskId}", op);
        Assert.Equal(404, notFound);
        Assert.StartsWith("not_found: ", missing.Str("error"));
        Assert.Equal(400, (await Server.SendAsync(HttpMethod.Get, "/api/desks/a:b", op)).Status);
        Assert.Equal(401, (await Server.SendAsync(HttpMethod.Get, "/api/desks", null)).Status);
    }

    [Fact]
    public async Task Staff_read_their_desks_supervisors_change_all_but_the_staff_and_others_are_forbidden()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var agent = await Server.UserAsync("agent", ChatRoles.Agent);
        var supervisor = await Server.UserAsync("super", ChatRoles.Agent);
        var outsider = await Server.UserAsync("outsider", ChatRoles.Agent);
        var visitor = await Server.GuestAsync("Visitor");
        var deskId = await Server.NewDeskAsync(op, [agent.UserId], [supervisor.UserId]);
        var otherDesk = await Server.NewDeskAsync(op, [outsider.UserId], []);

        var (status, mine) = await Server.SendAsync(HttpMethod.Get, "/api/desks", agent);
        Assert.Equal(200, status);
        Assert.Equal([deskId], mine.Items().Select(d => d.Str("deskId")));
        Assert.Equal(200, (await Server.SendAsync(HttpMethod.Get, $"/api/desks/{deskId}", supervisor)).Status);
        Assert.Equal(403, (await Server.SendAsync(HttpMethod.Get, $"/api/desks/{deskId}", outsider)).Status);
        Assert.Equal(403, (await Server.SendAsync(HttpMethod.Get, $"/api/desks/{deskId}", visitor)).Status);
        Assert.Equal(403, (await Server.SendAsync(HttpMethod.Get, "/api/desks", visitor)).Status);
        var (opStatus, all) = await Server.SendAsync(HttpMethod.Get, "/api/desks", op);
        Assert.Equal(200, opStatus);
        Assert.Contains(deskId, all.Items().Select(d => d.Str("deskId")));
        Assert.Contains(otherDesk, all.Items().Select(d => d.Str("deskId")));

        // A supervisor changes the greeting (sending the staff lists back unchanged, in any order, is fine).
        var (changed, body) = await Server.PutDeskAsync(deskId, supervisor, new { name = "Help", greeting = "Welcome", agents = new[] { agent.UserId }, supervisors = new[] { supervisor.UserId } });
        Assert.Equal(200, changed);
        Assert.Equal("Welcome", body.Str("greeting"));
        var (forbidden, error) = await Server.PutDeskAsync(deskId, supervisor, new { name = "Help", agents = new[] { agent.UserId, outsider.UserId } });
        Assert.Equal(403, forbidden);
        Assert.StartsWith("forbidden: ", error.Str("error"));
        Assert.Equal(403, (await Server.PutDeskAsync(deskId, supervisor, new { name = "Help", supervisors = Array.Empty<string>() })).Status);
        Assert.Equal(403, (await Server.PutDeskAsync(deskId, agent, new { name = "Mine now" })).Status);
        Assert.Equal(403, (await Server.PutDeskAsync(deskId, visitor, new { name = "Mine now" })).Status);
        Assert.Equal(403, (await Server.PutDeskAsync(AdminKit.NewId("new"), supervisor, new { name = "New" })).Status);
        Assert.Equal("Welcome", (await Server.SendAsync(HttpMethod.Get, $"/api/desks/{deskId}", op)).Body.Str("greeting"));
    }

    [Fact]
    public async Task A_registered_user_listed_by_a_desk_signs_in_as_an_agent_next_time()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var userId = AdminKit.NewId("staff");
        var registered = await Server.Http.PostAsJsonAsync("/api/auth/register", new { userId, password = "correct horse", displayName = "Staff" });
        registered.EnsureSuccessStatusCode();
        var before = (await registered.Content.ReadFromJsonAsync<IssuedToken>())!;
        await using (var hub = await HubClient.ConnectAsync(Server.Address, before.Token))
            await HubAssert.FailsWith("forbidden", () => hub.InvokeAsync("GetAgentState"));

        await Server.NewDeskAsync(op, [], [userId]);
        var login = await Server.Http.PostAsJsonAsync("/api/auth/login", new { userId, password = "correct horse" });
        login.EnsureSuccessStatusCode();
        var after = (await login.Content.ReadFromJsonAsync<IssuedToken>())!;
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, after.Token);
        Assert.Equal("offline", (await agentHub.InvokeAsync("GetAgentState")).Str("status"));
    }

    private static void AssertSameJson(JsonElement expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(expected, actual), $"expected {expected}\n  actual {actual}");
}
