using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>SearchMessages on the embedded default (SQLite FTS5): scope, order, paging, privacy and errors.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MessageSearchTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task SearchMessages_finds_messages_with_every_word_newest_first_in_pages()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var tag = "kw" + Guid.NewGuid().ToString("N")[..8];
        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var group = (await aliceHub.InvokeAsync("CreateGroup", new { title = "Trip", memberIds = new[] { bob.UserId } })).Str("conversationId");
        await SendAsync(aliceHub, direct, $"the {tag} train leaves at nine");
        await SendAsync(bobHub, group, $"Bring the {tag.ToUpperInvariant()} tickets, and the train pass");
        await SendAsync(aliceHub, direct, $"no {tag} here without the other word");
        await SendAsync(bobHub, direct, $"{tag} train cancelled!");

        var first = await bobHub.InvokeAsync("SearchMessages", new { query = $"train {tag}", limit = 2 });
        var hits = first.Items("hits");
        Assert.Equal([$"{tag} train cancelled!", $"Bring the {tag.ToUpperInvariant()} tickets, and the train pass"], hits.Select(h => h.Str("text")));
        Assert.Equal(group, hits[1].Str("conversationId"));
        Assert.Equal(1, hits[1].Long("seq"));
        var next = first.Str("next");
        Assert.False(string.IsNullOrEmpty(next));

        var second = await bobHub.InvokeAsync("SearchMessages", new { query = $"train {tag}", limit = 2, before = next });
        Assert.Equal([$"the {tag} train leaves at nine"], second.Items("hits").Select(h => h.Str("text")));
        Assert.Null(second.Str("next"));

        var inOne = await bobHub.InvokeAsync("SearchMessages", new { query = tag, conversationId = group });
        Assert.Equal([group], inOne.Items("hits").Select(h => h.Str("conversationId")));
    }

    [Fact]
    public async Task An_edited_text_is_found_by_its_new_words_and_a_recalled_message_is_no_hit()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var tag = "kw" + Guid.NewGuid().ToString("N")[..8];
        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var recalled = await SendAsync(aliceHub, direct, $"{tag} oops wrong chat");
        await SendAsync(aliceHub, direct, $"{tag} still here");

        await aliceHub.InvokeAsync("Recall", direct, recalled);

        var hits = (await bobHub.InvokeAsync("SearchMessages", new { query = tag })).Items("hits");
        Assert.Equal([$"{tag} still here"], hits.Select(h => h.Str("text")));
    }

    [Fact]
    public async Task Only_the_callers_current_conversations_are_searched()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var (_, eveHub) = await Server.ConnectGuestAsync("Eve");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = eveHub;
        var tag = "kw" + Guid.NewGuid().ToString("N")[..8];
        var group = (await aliceHub.InvokeAsync("CreateGroup", new { title = "Secret", memberIds = new[] { bob.UserId } })).Str("conversationId");
        await SendAsync(aliceHub, group, $"{tag} the plan");

        Assert.Empty((await eveHub.InvokeAsync("SearchMessages", new { query = tag })).Items("hits"));
        await HubAssert.FailsWith("forbidden", () => eveHub.InvokeAsync("SearchMessages", new { query = tag, conversationId = group }));
        await HubAssert.FailsWith("not_found", () => eveHub.InvokeAsync("SearchMessages", new { query = tag, conversationId = "g:" + Guid.NewGuid().ToString("N") }));

        Assert.Single((await bobHub.InvokeAsync("SearchMessages", new { query = tag })).Items("hits"));
        await bobHub.InvokeAsync("Leave", group);
        Assert.Empty((await bobHub.InvokeAsync("SearchMessages", new { query = tag })).Items("hits"));
    }

    [Fact]
    public async Task SearchMessages_refuses_an_empty_query_a_bad_cursor_and_a_bad_limit_with_invalid()
    {
        var (_, hub) = await Server.ConnectGuestAsync("Me");
        await using var _ = hub;

        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchMessages", new { query = "  " }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchMessages", new { query = "?!" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchMessages", new { query = "hello", before = "not-a-cursor" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchMessages", new { query = "hello", limit = 0 }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SearchMessages", "hello"));
    }

    private static async Task<long> SendAsync(HubClient hub, string conversationId, string text) =>
        (await hub.InvokeAsync("Send", new { conversationId, clientMsgId = Guid.NewGuid().ToString("N"), kind = "text", text })).Long("seq");
}
