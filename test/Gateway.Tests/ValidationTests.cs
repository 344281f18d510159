using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Every refusal carries its code: invalid, forbidden, not_found, rate_limited.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ValidationTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Send_validates_every_field()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        var (peer, peerHub) = await Server.ConnectGuestAsync();
        await using var _ = hub;
        await using var __ = peerHub;
        var id = (await hub.InvokeAsync("OpenDirect", peer.UserId)).Str("conversationId");

        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", "text"));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { clientMsgId = "a", kind = "text", text = "x" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, kind = "text", text = "x" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "system", text = "x" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "text" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "text", text = new string('x', 4001) }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "image" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "image", attachmentId = "0123456789abcdef0123456789abcdef" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "text", text = "x", replyToSeq = 0 }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Send", new { conversationId = 5, clientMsgId = "a", kind = "text", text = "x" }));
    }

    [Fact]
    public async Task Non_members_are_forbidden_and_unknown_conversations_not_found()
    {
        var (_, alice) = await Server.ConnectGuestAsync();
        var (bob, bobHub) = await Server.ConnectGuestAsync();
        var (_, outsider) = await Server.ConnectGuestAsync();
        await using var _ = alice;
        await using var __ = bobHub;
        await using var ___ = outsider;
        var id = (await alice.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        await HubAssert.FailsWith("forbidden", () => outsider.InvokeAsync("Send", new { conversationId = id, clientMsgId = "a", kind = "text", text = "x" }));
        await HubAssert.FailsWith("forbidden", () => outsider.InvokeAsync("MarkRead", id, 1));
        await HubAssert.FailsWith("not_found", () => outsider.InvokeAsync("Send", new { conversationId = "g:nothing-here", clientMsgId = "a", kind = "text", text = "x" }));
    }

    [Fact]
    public async Task Wrong_argument_count_or_unknown_method_is_coded()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        await using var _ = hub;
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("History", "g:x"));
        await HubAssert.FailsWith("not_found", () => hub.InvokeAsync("NoSuchMethod"));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("MarkRead", "g:x", "one"));
        // The connection survives every refusal.
        Assert.NotNull((await hub.InvokeAsync("ListConversations")).Items());
    }

    [Fact]
    public async Task Flooding_send_is_rate_limited_per_user()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        var (peer, peerHub) = await Server.ConnectGuestAsync();
        await using var _ = hub;
        await using var __ = peerHub;
        var id = (await hub.InvokeAsync("OpenDirect", peer.UserId)).Str("conversationId");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
        {
            try
            {
                await hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"flood-{i}", kind = "text", text = "spam" });
                return "ok";
            }
            catch (HubCallException e)
            {
                return e.Code;
            }
        }));

        Assert.All(results, r => Assert.Contains(r, new[] { "ok", "rate_limited" }));
        // Burst 40 plus what refilled at 20/s while the flood was being answered.
        Assert.InRange(results.Count(r => r == "ok"), 40, 41 + (int)(20 * started.Elapsed.TotalSeconds));
        Assert.Contains("rate_limited", results);
        // Accepted messages still have gap-free seqs.
        var history = await peerHub.InvokeAsync("History", id, 1000, 200);
        Assert.Equal(Enumerable.Range(1, results.Count(r => r == "ok")).Select(i => (long)i), history.Items().Select(m => m.Long("seq")));
    }

    [Fact]
    public async Task Oversized_hub_message_closes_the_connection()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        await using var _ = hub;
        await Assert.ThrowsAsync<HubCallException>(() => hub.InvokeAsync("Typing", new string('x', 100_000)));
        Assert.True(hub.Closed);
    }
}
