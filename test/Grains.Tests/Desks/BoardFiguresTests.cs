using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>The supervisor board: the live queue and today's figures per desk and per agent (manual clock).</summary>
public sealed class BoardFiguresTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task The_board_shows_the_queue_and_today_s_averages_per_desk_and_agent()
    {
        var chat = shared.Chat;
        var (ann, bob, vic, val, viv) = (Id("ann"), Id("bob"), Id("vic"), Id("val"), Id("viv"));
        await chat.SignUpAsync(ann, bob, vic, val, viv);
        var deskId = Id("board");
        var desk = await chat.CaseDeskAsync(deskId, [ann, bob]);

        // Vic waits 20 s for Ann, who answers 10 s after taking the chat and resolves it 100 s after taking it.
        var vicChat = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        await chat.AdvanceAsync(TimeSpan.FromSeconds(20));
        var waiting = await desk.GetBoard();
        Assert.Equal((1, 20L), (waiting.QueueLength, waiting.LongestWaitSeconds));
        Assert.Equal([new BoardWaiting(vicChat, vic, 20)], waiting.Queue);
        Assert.All(waiting.Agents, a => Assert.Equal((AgentStatus.Offline, 0), (a.Status, a.Load)));
        Assert.Equal([ann, bob], waiting.Agents.Select(a => a.DisplayName));

        await chat.OnlineAsync(ann);
        await chat.CaseWhereAsync(vicChat, c => c.AgentId == ann);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(10));
        await chat.Conversation(vicChat).Send(ann, Text(vicChat, "a1", "hi"));
        await chat.CaseWhereAsync(vicChat, c => c.FirstResponseAt is not null);
        var serving = await desk.GetBoard();
        Assert.Equal(0, serving.QueueLength);
        Assert.Contains(serving.Agents, a => a.AgentId == ann && a.Status == AgentStatus.Online && a.Load == 1 && a.Capacity == 2);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(90));
        await desk.FinishServiceChat(ann, vicChat);

        // Val is served by Bob at once: answered after 40 s, resolved after 300 s.
        await chat.OnlineAsync(bob);
        await chat.Agent(ann).SetStatus(AgentStatus.Busy);
        var valChat = (await desk.OpenServiceChat(val)).Conversation.ConversationId;
        await chat.CaseWhereAsync(valChat, c => c.AgentId == bob);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(40));
        await chat.Conversation(valChat).Send(bob, Text(valChat, "b1", "hello"));
        await chat.CaseWhereAsync(valChat, c => c.FirstResponseAt is not null);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(260));
        await desk.FinishServiceChat(bob, valChat);

        await chat.Case(vicChat).Rate(vic, 5, null);
        await chat.Case(valChat).Rate(val, 2, null);
        await chat.Case(valChat).Rate(val, 4, "better after all");

        var today = ServiceCaseDate(chat);
        await Eventually.Holds(async () =>
        {
            var board = await desk.GetBoard();
            // First response: (30 + 40) / 2; handle: (100 + 300) / 2; CSAT: (5 + 4) / 2.
            Assert.Equal(new DayFigures(today, 2, 35, 200, 4.5, 2), board.Today);
            Assert.Equal(
                [new AgentDayFigures(ann, 1, 30, 100, 5, 1), new AgentDayFigures(bob, 1, 40, 300, 4, 1)],
                board.AgentsToday.OrderBy(a => a.AgentId, StringComparer.Ordinal));
        });

        // The next day starts from zero.
        await chat.AdvanceAsync(TimeSpan.FromDays(1));
        Assert.Equal(new DayFigures(ServiceCaseDate(chat), 0, null, null, null, 0), (await desk.GetBoard()).Today);
    }

    [Fact]
    public async Task Today_is_the_desk_s_local_day_when_it_keeps_hours()
    {
        var chat = shared.Chat;
        var deskId = Id("zone");
        var hours = new BusinessHours("Pacific/Kiritimati", [], []);
        var desk = await chat.CaseDeskAsync(deskId, [Id("ann")], hours: hours);
        var local = TimeZoneInfo.ConvertTime(chat.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati"));
        Assert.Equal(local.ToString("yyyy-MM-dd"), (await desk.GetBoard()).Today.Date);
    }

    private static string ServiceCaseDate(ChatSilo chat) => chat.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd");
}
