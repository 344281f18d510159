using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Blocked visitors are refused new chats until their block expires (manual clock) or a supervisor lifts it.</summary>
public sealed class DeskBlacklistTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task A_blocked_visitor_is_refused_until_expiry_or_lift()
    {
        var chat = shared.Chat;
        var (ann, sue, vic, pat, deskId) = (Id("ann"), Id("sue"), Id("vic"), Id("pat"), Id("blk"));
        var desk = chat.Desk(deskId);
        await desk.Configure(new DeskSettings("Blk", [ann], [sue], 2, TimeSpan.FromMinutes(2), TimeSpan.Zero));

        var until = chat.Clock.GetUtcNow().AddMinutes(10);
        await desk.Block(vic, "abusive", ann, until);
        await desk.Block(pat, "spam", sue, null);

        var refused = await Assert.ThrowsAsync<ChatException>(() => desk.Enqueue(Id("s:vic1"), vic));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        Assert.Contains(vic, refused.Message);
        Assert.DoesNotContain("abusive", refused.Message);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => desk.Enqueue(Id("s:pat1"), pat))).Code);
        Assert.True((await desk.Enqueue(Id("s:ok"), Id("olga"))).IsWaiting);

        // Only the desk's staff block; only its supervisors lift.
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => desk.Block(Id("x"), "r", Id("stranger"), null))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => desk.Unblock(vic, ann))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Assert.ThrowsAsync<ChatException>(() => desk.Block(Id("x"), "r", ann, chat.Clock.GetUtcNow()))).Code);

        await chat.DeactivateAsync(desk);
        var listed = await desk.ListBlocked();
        Assert.Equal([pat, vic], listed.Select(e => e.VisitorId).Order(StringComparer.Ordinal));
        var vics = listed.Single(e => e.VisitorId == vic);
        Assert.Equal(("abusive", ann, (DateTimeOffset?)until), (vics.Reason, vics.BlockedBy, vics.Until));

        await chat.AdvanceAsync(TimeSpan.FromMinutes(9));
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => desk.Enqueue(Id("s:vic2"), vic))).Code);
        await chat.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.True((await desk.Enqueue(Id("s:vic3"), vic)).IsWaiting);
        Assert.Equal([pat], (await desk.ListBlocked()).Select(e => e.VisitorId));

        Assert.True(await desk.Unblock(pat, sue));
        Assert.False(await desk.Unblock(pat, sue));
        Assert.True((await desk.Enqueue(Id("s:pat2"), pat)).IsWaiting);
        Assert.Empty(await desk.ListBlocked());

        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId))).Entries;
        Assert.Equal(
            [(sue, AuditActions.Unblock, pat), (sue, AuditActions.Block, pat), (ann, AuditActions.Block, vic)],
            audit.Select(e => (e.Actor, e.Action, e.Target)));
    }
}
