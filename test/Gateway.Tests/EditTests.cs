using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Edit with "edited", DeleteForMe with "deleted", React with "reaction", and replies, through the hub.</summary>
[Collection(GatewayCollection.Name)]
public sealed class EditTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    private async Task<(HubClient Alice, HubClient Bob, string BobId, string ConversationId)> DirectAsync()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        return (aliceHub, bobHub, bob.UserId, id);
    }

    [Fact]
    public async Task Edit_answers_the_edited_message_every_member_gets_edited_and_history_has_the_new_text()
    {
        var (alice, bob, _, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        var seq = (await alice.InvokeAsync("Send", new { conversationId = id, clientMsgId = "e1", kind = "text", text = "helo" })).Long("seq");

        var edited = await alice.InvokeAsync("Edit", new { conversationId = id, seq, text = "hello" });

        Assert.Equal(("hello", seq), (edited.Str("text"), edited.Long("seq")));
        Assert.Equal(System.Text.Json.JsonValueKind.String, edited.GetProperty("editedAt").ValueKind);
        var pushed = await bob.WaitForEventAsync("edited", e => e.Long("seq") == seq);
        Assert.Equal("hello", pushed.Str("text"));
        await alice.WaitForEventAsync("edited", e => e.Long("seq") == seq);
        var history = (await bob.InvokeAsync("History", id, 100, 10)).Items();
        Assert.Equal("hello", history.Single().Str("text"));
        Assert.Equal(System.Text.Json.JsonValueKind.Object, history.Single().GetProperty("reactions").ValueKind);
        Assert.False(history.Single().Bool("deleted"));
    }

    [Fact]
    public async Task Edit_is_refused_to_another_member_and_for_empty_text_or_a_missing_message()
    {
        var (alice, bob, _, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        var seq = (await alice.InvokeAsync("Send", new { conversationId = id, clientMsgId = "e2", kind = "text", text = "mine" })).Long("seq");

        await HubAssert.FailsWith("forbidden", () => bob.InvokeAsync("Edit", new { conversationId = id, seq, text = "theirs" }));
        await HubAssert.FailsWith("invalid", () => alice.InvokeAsync("Edit", new { conversationId = id, seq, text = "  " }));
        await HubAssert.FailsWith("invalid", () => alice.InvokeAsync("Edit", new { conversationId = id, seq }));
        await HubAssert.FailsWith("not_found", () => alice.InvokeAsync("Edit", new { conversationId = id, seq = 50, text = "x" }));
        Assert.Equal("mine", (await bob.InvokeAsync("History", id, 100, 10)).Items().Single().Str("text"));
    }

    [Fact]
    public async Task DeleteForMe_hides_the_messages_on_the_callers_devices_only()
    {
        var (alice, bob, _, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        for (var i = 1; i <= 2; i++) await bob.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"d{i}", kind = "text", text = $"m{i}" });

        await alice.InvokeAsync("DeleteForMe", id, new[] { 1 });

        var deleted = await alice.WaitForEventAsync("deleted");
        Assert.Equal(id, deleted.Str("conversationId"));
        Assert.Equal([1L], deleted.Items("seqs").Select(s => s.GetInt64()));
        var mine = (await alice.InvokeAsync("History", id, 100, 10)).Items();
        Assert.Equal([1L, 2], mine.Select(m => m.Long("seq")));
        Assert.True(mine[0].Bool("deleted"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, mine[0].GetProperty("text").ValueKind);
        var synced = await alice.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { [id] = 0 } });
        Assert.True(synced.Items("messages")[0].Bool("deleted"));
        Assert.Equal("m1", (await bob.InvokeAsync("History", id, 100, 10)).Items()[0].Str("text"));
        Assert.Empty(bob.Events("deleted"));
    }

    [Fact]
    public async Task DeleteForMe_refuses_bad_seqs_and_non_members()
    {
        var (alice, bob, _, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        await alice.InvokeAsync("Send", new { conversationId = id, clientMsgId = "d3", kind = "text", text = "x" });
        var (_, eve) = await Server.ConnectGuestAsync("Eve");
        await using var _e = eve;

        await HubAssert.FailsWith("invalid", () => alice.InvokeAsync("DeleteForMe", id, Array.Empty<long>()));
        await HubAssert.FailsWith("invalid", () => alice.InvokeAsync("DeleteForMe", id, Enumerable.Range(1, 101).ToArray()));
        await HubAssert.FailsWith("not_found", () => alice.InvokeAsync("DeleteForMe", id, new[] { 9 }));
        await HubAssert.FailsWith("forbidden", () => eve.InvokeAsync("DeleteForMe", id, new[] { 1 }));
    }

    [Fact]
    public async Task React_answers_the_reactions_and_every_member_gets_reaction()
    {
        var (alice, bob, bobId, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        var seq = (await alice.InvokeAsync("Send", new { conversationId = id, clientMsgId = "r1", kind = "text", text = "nice" })).Long("seq");

        var answer = await bob.InvokeAsync("React", new { conversationId = id, seq, emoji = "👍", on = true });

        Assert.Equal((id, seq), (answer.Str("conversationId"), answer.Long("seq")));
        Assert.Equal([bobId], answer.GetProperty("reactions").Items("👍").Select(u => u.GetString()));
        var pushed = await alice.WaitForEventAsync("reaction", e => e.Long("seq") == seq);
        Assert.Equal([bobId], pushed.GetProperty("reactions").Items("👍").Select(u => u.GetString()));
        var off = await bob.InvokeAsync("React", new { conversationId = id, seq, emoji = "👍", on = false });
        Assert.Empty(off.GetProperty("reactions").EnumerateObject());
        Assert.Empty((await alice.InvokeAsync("History", id, 100, 10)).Items().Single().GetProperty("reactions").EnumerateObject());
    }

    [Fact]
    public async Task React_refuses_an_emoji_off_the_list_a_bad_flag_and_non_members()
    {
        var (alice, bob, _, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        var seq = (await alice.InvokeAsync("Send", new { conversationId = id, clientMsgId = "r2", kind = "text", text = "x" })).Long("seq");
        var (_, eve) = await Server.ConnectGuestAsync("Eve");
        await using var _e = eve;

        await HubAssert.FailsWith("invalid", () => bob.InvokeAsync("React", new { conversationId = id, seq, emoji = "🐍", on = true }));
        await HubAssert.FailsWith("invalid", () => bob.InvokeAsync("React", new { conversationId = id, seq, emoji = "👍", on = "yes" }));
        await HubAssert.FailsWith("forbidden", () => eve.InvokeAsync("React", new { conversationId = id, seq, emoji = "👍", on = true }));
        await HubAssert.FailsWith("not_found", () => bob.InvokeAsync("React", new { conversationId = id, seq = 77, emoji = "👍", on = true }));
    }

    [Fact]
    public async Task A_reply_carries_reply_to_seq_and_the_original_is_one_history_call_away()
    {
        var (alice, bob, _, id) = await DirectAsync();
        await using var _a = alice;
        await using var _b = bob;
        var original = (await alice.InvokeAsync("Send", new { conversationId = id, clientMsgId = "q1", kind = "text", text = "question?" })).Long("seq");
        await bob.InvokeAsync("Send", new { conversationId = id, clientMsgId = "q2", kind = "text", text = "answer", replyToSeq = original });

        var reply = await alice.WaitForEventAsync("message", m => m.Str("clientMsgId") == "q2");
        Assert.Equal(original, reply.Long("replyToSeq"));
        var quoted = (await alice.InvokeAsync("History", id, reply.Long("replyToSeq") + 1, 1)).Items().Single();
        Assert.Equal("question?", quoted.Str("text"));
        await HubAssert.FailsWith("invalid", () => bob.InvokeAsync("Send", new { conversationId = id, clientMsgId = "q3", kind = "text", text = "x", replyToSeq = 99 }));
    }
}
