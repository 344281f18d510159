using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>SearchUsers (listed users only: never guests, never who opted out) and SearchConversations.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PeopleSearchTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task SearchUsers_finds_listed_users_by_name_word_or_id_prefix_but_not_guests_the_unlisted_or_oneself()
    {
        // A word nobody else in the shared gateway has, so other tests' users cannot appear.
        var tag = "zq" + Guid.NewGuid().ToString("N")[..8];
        var (me, meHub) = await ProfileTests.RegisterAsync(Server, tag + "-me", $"Searcher {tag}");
        var (ann, annHub) = await ProfileTests.RegisterAsync(Server, tag + "-ann", $"Ann {tag}berg");
        var (hidden, hiddenHub) = await ProfileTests.RegisterAsync(Server, tag + "-hid", $"Hidden {tag}");
        var (_, guestHub) = await Server.ConnectGuestAsync($"Guest {tag}");
        await using var _ = meHub;
        await using var __ = annHub;
        await using var ___ = hiddenHub;
        await using var ____ = guestHub;
        await hiddenHub.InvokeAsync("SetProfile", new { listed = false });

        var byWord = (await meHub.InvokeAsync("SearchUsers", new { query = tag.ToUpperInvariant() })).Items();
        Assert.Equal([ann.UserId], byWord.Select(p => p.Str("userId")));
        Assert.Equal($"Ann {tag}berg", byWord[0].Str("displayName"));
        Assert.True(byWord[0].Bool("listed"));

        var byId = (await meHub.InvokeAsync("SearchUsers", new { query = ann.UserId[..^1], limit = 5 })).Items();
        Assert.Equal([ann.UserId], byId.Select(p => p.Str("userId")));
        // The middle of a word or of an id is no match.
        Assert.Empty((await meHub.InvokeAsync("SearchUsers", new { query = tag[2..] })).Items());

        // Listed again, the user is found again; the caller never finds themselves.
        await hiddenHub.InvokeAsync("SetProfile", new { listed = true });
        var again = (await annHub.InvokeAsync("SearchUsers", new { query = tag })).Items().Select(p => p.Str("userId")).ToList();
        Assert.Equal([hidden.UserId, me.UserId], again);
    }

    [Fact]
    public async Task SearchUsers_and_SearchConversations_refuse_bad_queries_with_invalid()
    {
        var (_, hub) = await Server.ConnectGuestAsync("Me");
        await using var _ = hub;

        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchUsers", new { query = "   " }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchUsers", new { query = new string('a', 65) }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchUsers", new { query = "ann", limit = 51 }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchUsers", "ann"));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchConversations", new { query = "" }));
    }

    [Fact]
    public async Task SearchConversations_finds_groups_by_title_and_direct_chats_by_the_peers_name()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bobby Tables");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var group = (await aliceHub.InvokeAsync("CreateGroup", new { title = "Weekend Hiking", memberIds = new[] { bob.UserId } })).Str("conversationId");
        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        await aliceHub.InvokeAsync("CreateGroup", new { title = "Book club" });

        Assert.Equal([group], (await aliceHub.InvokeAsync("SearchConversations", new { query = "hiking" })).Items().Select(c => c.Str("conversationId")));
        Assert.Equal([direct], (await aliceHub.InvokeAsync("SearchConversations", new { query = "TABLES" })).Items().Select(c => c.Str("conversationId")));
        Assert.Empty((await bobHub.InvokeAsync("SearchConversations", new { query = "book" })).Items());
    }
}
