using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>The desk's visitor-facing settings are validated and normalized, changes by a named actor are audited, desks are listed, and agents keep quick replies of their own.</summary>
public sealed class SettingsAdminTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static readonly DeskSettings Good = new("Sales", ["a"], ["s"], 2, TimeSpan.FromMinutes(2), TimeSpan.FromHours(1));

    [Fact]
    public async Task Greeting_away_labels_quick_replies_and_reopen_window_beyond_their_limits_are_refused_invalid()
    {
        var desk = shared.Chat.Desk(Id("limits"));
        QuickReply Reply(string shortcut, string text = "Hi {name}") => new(shortcut, text);
        DeskSettings[] bad =
        [
            Good with { Name = new string('n', 101) },
            Good with { Greeting = new string('g', 1001) },
            Good with { AwayMessage = new string('a', 1001) },
            Good with { Labels = [.. Enumerable.Range(0, 51).Select(i => $"l{i}")] },
            Good with { Labels = [new string('l', 41)] },
            Good with { Labels = [" "] },
            Good with { QuickReplies = [.. Enumerable.Range(0, 201).Select(i => Reply($"r{i}"))] },
            Good with { QuickReplies = [Reply("Hello")] },
            Good with { QuickReplies = [Reply("")] },
            Good with { QuickReplies = [Reply(new string('x', 33))] },
            Good with { QuickReplies = [Reply("hi", new string('t', 2001))] },
            Good with { QuickReplies = [Reply("hi", " ")] },
            Good with { QuickReplies = [Reply("hi"), Reply("hi", "again")] },
            Good with { ReopenWindow = TimeSpan.FromDays(31) },
            Good with { ReopenWindow = TimeSpan.FromSeconds(-1) },
        ];
        foreach (var settings in bad)
        {
            var error = await Assert.ThrowsAsync<ChatException>(() => desk.ConfigureBy(settings, "op"));
            Assert.Equal(ErrorCodes.Invalid, error.Code);
        }
        await Assert.ThrowsAsync<ChatException>(() => desk.ConfigureBy(Good, " "));
        // At the limits everything is accepted; the reopen window defaults to a day.
        var edge = Good with
        {
            Name = new string('n', 100), Greeting = new string('g', 1000), AwayMessage = new string('a', 1000),
            Labels = [.. Enumerable.Range(0, 50).Select(i => $"label-{i}")],
            QuickReplies = [.. Enumerable.Range(0, 200).Select(i => Reply($"r_{i}-x", new string('t', 2000)))],
        };
        var stored = (await desk.ConfigureBy(edge, "op")).Settings;
        Assert.Equal(TimeSpan.FromHours(24), stored.ReopenWindow);
        Assert.Equal(200, stored.QuickReplies!.Count);
        Assert.Equal(TimeSpan.FromDays(30), (await desk.ConfigureBy(Good with { ReopenWindow = TimeSpan.FromDays(30) }, "op")).Settings.ReopenWindow);
    }

    [Fact]
    public async Task Changes_by_an_actor_are_audited_as_desk_changed_and_the_desk_is_listed()
    {
        var chat = shared.Chat;
        var deskId = Id("audited");
        var desk = chat.Desk(deskId);
        await desk.ConfigureBy(Good, "op");
        var bob = Id("bob");
        await desk.ConfigureBy(Good with { Agents = ["a", bob], Greeting = "Hi" }, "boss");
        await desk.ConfigureBy(Good with { Agents = ["a", bob], Greeting = "Hi" }, "boss");

        var entries = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId))).Entries;
        Assert.Equal([("boss", "unchanged"), ("boss", $"agents +{bob}; greeting"), ("op", "created")], entries.Select(e => (e.Actor, e.Details)));
        Assert.All(entries, e => Assert.Equal((AuditActions.DeskChanged, deskId), (e.Action, e.Target)));
        Assert.Contains(deskId, await chat.Cluster.Client.GetGrain<IDeskRegistryGrain>(0).List());
    }

    [Fact]
    public async Task Desk_info_says_open_available_and_which_message_to_show()
    {
        var chat = shared.Chat;
        var ann = Id("ann");
        var desk = chat.Desk(Id("info"));
        await desk.ConfigureBy(Good with { Agents = [ann], Greeting = "Hello!" }, "op");
        var away = await desk.GetInfo();
        Assert.Equal((true, false, Im.Orleans.Grains.Desks.DeskGrain.DefaultAwayMessage), (away.Open, away.Available, away.Message));
        Assert.Null(away.NextOpeningAt);
        await chat.OnlineAsync(ann);
        var open = await desk.GetInfo();
        Assert.Equal((true, true, "Hello!", "Sales"), (open.Open, open.Available, open.Message, open.Name));

        // Closed every day but one far away: not available, the away message, and the next opening.
        var now = chat.Clock.GetUtcNow();
        var closedToday = new BusinessHours("UTC", [new OpenInterval(now.AddDays(3).DayOfWeek, new TimeOnly(9, 0), new TimeOnly(10, 0))], [DateOnly.FromDateTime(now.UtcDateTime)]);
        await desk.ConfigureBy(Good with { Agents = [ann], Hours = closedToday, AwayMessage = "Back soon" }, "op");
        var closed = await desk.GetInfo();
        Assert.Equal((false, false, "Back soon"), (closed.Open, closed.Available, closed.Message));
        Assert.Equal(closedToday.NextOpening(now), closed.NextOpeningAt);
        Assert.True(closed.NextOpeningAt > now);
        await Assert.ThrowsAsync<ChatException>(() => chat.Desk(Id("nodesk")).GetInfo());
    }

    [Fact]
    public async Task An_agent_keeps_quick_replies_of_its_own_under_the_same_rules()
    {
        var agentId = Id("ann");
        var agent = shared.Chat.Agent(agentId);
        Assert.Empty(await agent.GetQuickReplies());
        var mine = await agent.SetQuickReplies([new QuickReply("bye", "Bye {name}!")]);
        Assert.Equal([new QuickReply("bye", "Bye {name}!")], mine);
        var error = await Assert.ThrowsAsync<ChatException>(() => agent.SetQuickReplies([new QuickReply("Bye!", "x")]));
        Assert.Equal(ErrorCodes.Invalid, error.Code);
        Assert.Equal(mine, await agent.GetQuickReplies());

        await agent.SetQuickReplies([new QuickReply("bye", "See you, {name}!"), new QuickReply("thanks", "Thank you!")]);
        await agent.SetQuickReplies([new QuickReply("thanks", "Thank you!")]);
        await agent.SetQuickReplies([new QuickReply("thanks", "Thank you!")]);
        var entries = (await shared.Chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(Actor: agentId))).Entries;
        Assert.Equal(["-bye", "+thanks ~bye", "+bye"], entries.Where(e => e.Action == AuditActions.QuickReplies).Select(e => e.Details));
    }
}
