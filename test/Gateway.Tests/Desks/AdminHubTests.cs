using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests.Desks;

/// <summary>The desk administration hub methods: desk info, quick replies, the blacklist, the audit log, and operators acting as supervisors.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AdminHubTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task A_visitor_sees_the_away_message_until_an_agent_is_online_then_the_greeting()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var agent = await Server.UserAsync("agent", ChatRoles.Agent);
        var deskId = AdminKit.NewId("info");
        await Server.PutDeskAsync(deskId, op, new { name = "Info", agents = new[] { agent.UserId }, greeting = "Hi there" });
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);

        var away = await visitorHub.InvokeAsync("GetDeskInfo", deskId);
        Assert.Equal((deskId, "Info", true, false), (away.Str("deskId"), away.Str("name"), away.Bool("open"), away.Bool("available")));
        Assert.Contains("away", away.Str("message"));
        await agentHub.InvokeAsync("SetAgentStatus", "online");
        var open = await visitorHub.InvokeAsync("GetDeskInfo", deskId);
        Assert.Equal((true, "Hi there"), (open.Bool("available"), open.Str("message")));

        // Closed today (a closed date in the desk's zone): not available, the away message, and when it opens next.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await Server.PutDeskAsync(deskId, op, new
        {
            name = "Info", awayMessage = "Closed for today",
            hours = new { timeZone = "UTC", open = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }.Select(d => new { day = d, opens = "00:00", closes = "00:00" }), closedDates = new[] { today } },
        });
        var closed = await visitorHub.InvokeAsync("GetDeskInfo", deskId);
        Assert.Equal((false, false, "Closed for today"), (closed.Bool("open"), closed.Bool("available"), closed.Str("message")));
        Assert.True(DateTimeOffset.Parse(closed.Str("nextOpeningAt")) > DateTimeOffset.UtcNow);

        await HubAssert.FailsWith("not_found", () => visitorHub.InvokeAsync("GetDeskInfo", AdminKit.NewId("nodesk")));
        await HubAssert.FailsWith("invalid", () => visitorHub.InvokeAsync("GetDeskInfo", "a:b"));
    }

    [Fact]
    public async Task Agents_get_the_desks_quick_replies_then_their_own_and_visitors_and_outsiders_get_none()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var agent = await Server.UserAsync("agent", ChatRoles.Agent);
        var outsider = await Server.UserAsync("outsider", ChatRoles.Agent);
        var deskId = await Server.NewDeskAsync(op, [agent.UserId], []);
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var outsiderHub = await HubClient.ConnectAsync(Server.Address, outsider.Token);
        await using var opHub = await HubClient.ConnectAsync(Server.Address, op.Token);
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;

        var mine = await agentHub.InvokeAsync("SetMyQuickReplies", new object[] { new[] { new { shortcut = "order", text = "Your order {orderId}" } } });
        Assert.Equal([("order", "Your order {orderId}", "agent")], mine.Items().Select(r => (r.Str("shortcut"), r.Str("text"), r.Str("scope"))));
        var all = await agentHub.InvokeAsync("GetQuickReplies", deskId);
        Assert.Equal([("hello", "desk"), ("order", "agent")], all.Items().Select(r => (r.Str("shortcut"), r.Str("scope"))));
        Assert.Equal(["hello"], (await opHub.InvokeAsync("GetQuickReplies", deskId)).Items().Select(r => r.Str("shortcut")));

        await HubAssert.FailsWith("invalid", () => agentHub.InvokeAsync("SetMyQuickReplies", new object[] { new[] { new { shortcut = "Not OK", text = "x" } } }));
        await HubAssert.FailsWith("invalid", () => agentHub.InvokeAsync("SetMyQuickReplies", "hello"));
        await HubAssert.FailsWith("forbidden", () => outsiderHub.InvokeAsync("GetQuickReplies", deskId));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("GetQuickReplies", deskId));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("SetMyQuickReplies", new object[] { Array.Empty<object>() }));
        Assert.Single((await agentHub.InvokeAsync("GetQuickReplies", deskId)).Items(), r => r.Str("scope") == "agent");
    }

    [Fact]
    public async Task Agents_block_visitors_supervisors_and_operators_list_and_lift_blocks()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var agent = await Server.UserAsync("agent", ChatRoles.Agent);
        var supervisor = await Server.UserAsync("super", ChatRoles.Agent);
        var deskId = await Server.NewDeskAsync(op, [agent.UserId], [supervisor.UserId]);
        var (visitor, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var supervisorHub = await HubClient.ConnectAsync(Server.Address, supervisor.Token);
        await using var opHub = await HubClient.ConnectAsync(Server.Address, op.Token);

        var entry = await agentHub.InvokeAsync("BlockVisitor", new { deskId, visitorId = visitor.UserId, reason = "spam", untilSeconds = 3600 });
        Assert.Equal((visitor.UserId, "spam", agent.UserId), (entry.Str("visitorId"), entry.Str("reason"), entry.Str("blockedBy")));
        Assert.InRange(DateTimeOffset.Parse(entry.Str("until")) - DateTimeOffset.Parse(entry.Str("blockedAt")), TimeSpan.FromSeconds(3599), TimeSpan.FromSeconds(3601));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("OpenServiceChat", deskId));

        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("BlockVisitor", new { deskId, visitorId = agent.UserId, reason = "revenge" }));
        await HubAssert.FailsWith("invalid", () => agentHub.InvokeAsync("BlockVisitor", new { deskId, visitorId = visitor.UserId, reason = "" }));
        await HubAssert.FailsWith("invalid", () => agentHub.InvokeAsync("BlockVisitor", new { deskId, visitorId = visitor.UserId, reason = "x", untilSeconds = 0 }));
        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("ListBlockedVisitors", deskId));
        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("UnblockVisitor", deskId, visitor.UserId));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("UnblockVisitor", deskId, visitor.UserId));
        Assert.Equal([visitor.UserId], (await supervisorHub.InvokeAsync("ListBlockedVisitors", deskId)).Items().Select(e => e.Str("visitorId")));
        Assert.Single((await opHub.InvokeAsync("ListBlockedVisitors", deskId)).Items());

        // The operator is on no list of the desk, yet lifts the block like a supervisor.
        Assert.True((await opHub.InvokeAsync("UnblockVisitor", deskId, visitor.UserId)).GetBoolean());
        Assert.False((await supervisorHub.InvokeAsync("UnblockVisitor", deskId, visitor.UserId)).GetBoolean());
        Assert.Empty((await supervisorHub.InvokeAsync("ListBlockedVisitors", deskId)).Items());
        Assert.Equal(1, (await visitorHub.InvokeAsync("OpenServiceChat", deskId)).GetProperty("queue").Long("position"));
        Assert.Equal(op.UserId, (await opHub.InvokeAsync("BlockVisitor", new { deskId, visitorId = visitor.UserId, reason = "again" })).Str("blockedBy"));
    }

    [Fact]
    public async Task Supervisors_read_their_desks_audit_and_operators_read_anything()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var agent = await Server.UserAsync("agent", ChatRoles.Agent);
        var supervisor = await Server.UserAsync("super", ChatRoles.Agent);
        var deskId = await Server.NewDeskAsync(op, [agent.UserId], [supervisor.UserId]);
        // A PUT replaces every field but the staff lists: the supervisor sends the labels and quick replies back.
        var (renamed, _) = await Server.PutDeskAsync(deskId, supervisor, new
        {
            name = "Renamed", labels = new[] { "billing" }, quickReplies = new[] { new { shortcut = "hello", text = "Hello {name}!" } },
        });
        Assert.Equal(200, renamed);
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var supervisorHub = await HubClient.ConnectAsync(Server.Address, supervisor.Token);
        await using var opHub = await HubClient.ConnectAsync(Server.Address, op.Token);
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await agentHub.InvokeAsync("BlockVisitor", new { deskId, visitorId = "guest-someone", reason = "spam" });

        var page = await supervisorHub.InvokeAsync("QueryAudit", new { deskId });
        Assert.Equal([("block", agent.UserId), ("desk_changed", supervisor.UserId), ("desk_changed", op.UserId)],
            page.Items("entries").Select(e => (e.Str("action"), e.Str("actor"))));
        Assert.Equal(["name", "created"], page.Items("entries").Skip(1).Select(e => e.Str("details")));

        var first = await supervisorHub.InvokeAsync("QueryAudit", new { deskId, limit = 2 });
        Assert.Equal(2, first.Items("entries").Length);
        var rest = await supervisorHub.InvokeAsync("QueryAudit", new { deskId, limit = 2, beforeId = first.Long("nextBeforeId") });
        Assert.Equal(op.UserId, Assert.Single(rest.Items("entries")).Str("actor"));
        var window = await opHub.InvokeAsync("QueryAudit", new { actorId = agent.UserId, from = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"), to = DateTimeOffset.UtcNow.AddMinutes(5).ToString("O") });
        Assert.Contains(window.Items("entries"), e => e.Str("action") == "block");

        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("QueryAudit", new { deskId }));
        await HubAssert.FailsWith("forbidden", () => supervisorHub.InvokeAsync("QueryAudit", new { actorId = agent.UserId }));
        await HubAssert.FailsWith("forbidden", () => visitorHub.InvokeAsync("QueryAudit", new { deskId }));
        await HubAssert.FailsWith("invalid", () => supervisorHub.InvokeAsync("QueryAudit", new { deskId, limit = 0 }));
        await HubAssert.FailsWith("invalid", () => supervisorHub.InvokeAsync("QueryAudit", new { deskId, from = "yesterday" }));
        await HubAssert.FailsWith("not_found", () => opHub.InvokeAsync("QueryAudit", new { deskId = AdminKit.NewId("nodesk") }));
    }

    [Fact]
    public async Task An_operator_on_no_list_of_the_desk_takes_a_chat_over()
    {
        var op = await Server.UserAsync("op", ChatRoles.Operator);
        var agent = await Server.UserAsync("agent", ChatRoles.Agent);
        var deskId = await Server.NewDeskAsync(op, [agent.UserId], []);
        var (_, visitorHub) = await Server.ConnectGuestAsync("Visitor");
        await using var _ = visitorHub;
        await using var agentHub = await HubClient.ConnectAsync(Server.Address, agent.Token);
        await using var opHub = await HubClient.ConnectAsync(Server.Address, op.Token);
        var id = (await visitorHub.InvokeAsync("OpenServiceChat", deskId)).GetProperty("conversation").Str("conversationId");
        await agentHub.InvokeAsync("SetAgentStatus", "online");
        await agentHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);

        await HubAssert.FailsWith("forbidden", () => agentHub.InvokeAsync("TakeOverServiceChat", id));
        Assert.Equal(op.UserId, (await opHub.InvokeAsync("TakeOverServiceChat", id)).Str("agentId"));
        await opHub.WaitForEventAsync("assigned", e => e.Str("conversationId") == id);
        Assert.Empty((await opHub.InvokeAsync("FinishServiceChat", id)).Items("chats"));
    }
}
