using System.Text;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// What a hostile or broken client sends below the official client: unknown frame types, malformed frames, text that
/// is not Unicode, streaming calls, stray stream items and completions. Each is answered with a code at once or
/// closes the connection with a coded reason at once; none jams the connection or answers "internal".
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HubProtocolAbuseTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Theory]
    [InlineData(99)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(11)]
    public async Task An_unknown_message_type_closes_the_connection_at_once_with_a_coded_reason(int type)
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync($$"""{"type":{{type}}}""");
        await hub.SendFrameAsync("""{"type":1,"invocationId":"1","target":"ListConversations","arguments":[]}""");

        Assert.Equal($"invalid: unknown hub message type {type}", await hub.WaitForCloseAsync());
    }

    [Fact]
    public async Task An_unknown_message_type_with_an_invocation_id_closes_too()
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync("""{"type":99,"invocationId":"7","target":"ListConversations","arguments":[]}""");
        Assert.Equal("invalid: unknown hub message type 99", await hub.WaitForCloseAsync());
    }

    [Theory]
    [InlineData("""{"type":1,"invocationId":"1","arguments":[]}""")]
    [InlineData("""{"type":"one"}""")]
    [InlineData("""{"invocationId":"1"}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""not json at all""")]
    [InlineData("""{"type":1,"invocationId":"1","target":"Typing","arguments":["g:x"],"streamIds":[1]}""")]
    [InlineData("""{"type":1,"invocationId":"1","target":"Typing","arguments":["g:x"],"headers":5}""")]
    public async Task A_malformed_frame_closes_the_connection_with_a_coded_reason(string frame)
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync(frame);
        Assert.StartsWith("invalid: malformed hub message", await hub.WaitForCloseAsync());
    }

    [Fact]
    public async Task Text_with_a_lone_surrogate_is_invalid_naming_the_field()
    {
        var peer = await Server.GuestAsync();
        await using var hub = await ConnectRawAsync();
        var id = (await hub.InvokeAsync("1", "OpenDirect", $"[\"{peer.UserId}\"]")).GetProperty("result").Str("conversationId");

        // A 4,000-character text cut through an emoji ends in the high half of a surrogate pair, which a JavaScript
        // client's JSON.stringify writes as the escape "\ud83d". (The .NET client would send U+FFFD instead.)
        var cut = new string('x', 3999) + "\\ud83d";
        Assert.Equal("invalid: text is not valid Unicode text", await SendErrorAsync(hub, "2", id, "cut-1", cut));
        Assert.Equal("invalid: clientMsgId is not valid Unicode text", await SendErrorAsync(hub, "3", id, "lone\\udc00", "hi"));
        var sync = await hub.InvokeAsync("4", "Sync", """[{"cursors":{"g:\ud83d":0}}]""");
        Assert.StartsWith("invalid: cursors", sync.Str("error"));
        var members = await hub.InvokeAsync("5", "GetPresence", """[["ab\udc00cd"]]""");
        Assert.StartsWith("invalid: userIds", members.Str("error"));

        // The connection is fine afterwards, and a whole emoji (an escaped pair) is text like any other.
        var ack = await hub.InvokeAsync("6", "Send", $$"""[{"conversationId":"{{id}}","clientMsgId":"whole-1","kind":"text","text":"ok \ud83d\ude00"}]""");
        Assert.Equal(1, ack.GetProperty("result").Long("seq"));
    }

    [Fact]
    public async Task Raw_invalid_utf8_in_an_argument_is_invalid_naming_the_field()
    {
        var peer = await Server.GuestAsync();
        await using var hub = await ConnectRawAsync();
        var id = (await hub.InvokeAsync("1", "OpenDirect", $"[\"{peer.UserId}\"]")).GetProperty("result").Str("conversationId");

        var frame = Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"2","target":"Send","arguments":[{"conversationId":"{{id}}","clientMsgId":"raw-1","kind":"text","text":"ab__cd"}]}""");
        var at = Array.IndexOf(frame, (byte)'_');
        frame[at] = 0xC3;   // a lead byte followed by an ASCII byte: not UTF-8
        frame[at + 1] = 0x28;
        // As a binary WebSocket message: the WebSocket layer itself closes a text message that is not UTF-8, but
        // SignalR reads binary messages (and SSE / long-polling POST bodies) as they come.
        await hub.SendBytesAsync([.. frame, 0x1e], binary: true);
        Assert.Equal("invalid: text is not valid Unicode text", (await hub.CompletionAsync("2")).Str("error"));
        Assert.True((await hub.InvokeAsync("3", "ListConversations")).TryGetProperty("result", out _));
    }

    private static async Task<string> SendErrorAsync(RawHubSocket hub, string invocationId, string conversationId, string clientMsgId, string text)
    {
        var completion = await hub.InvokeAsync(invocationId, "Send",
            $$"""[{"conversationId":"{{conversationId}}","clientMsgId":"{{clientMsgId}}","kind":"text","text":"{{text}}"}]""");
        return completion.TryGetProperty("error", out var error) ? error.GetString()! : "answered: " + completion;
    }

    [Fact]
    public async Task A_streaming_invocation_of_a_normal_method_is_invalid()
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync("""{"type":4,"invocationId":"s1","target":"Send","arguments":[{}]}""");
        var completion = await hub.CompletionAsync("s1");
        Assert.StartsWith("invalid: ", completion.Str("error"));
        Assert.Contains("stream", completion.Str("error"));
        // Still connected.
        Assert.True((await hub.InvokeAsync("2", "ListConversations")).TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Stray_stream_items_cancels_completions_and_client_streams_are_harmless_or_coded()
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync("""{"type":2,"invocationId":"nope","item":1}""");
        await hub.SendFrameAsync("""{"type":5,"invocationId":"nope"}""");
        await hub.SendFrameAsync("""{"type":3,"invocationId":"nope","result":1}""");
        await hub.SendFrameAsync("""{"type":3,"invocationId":"nope","error":"boom"}""");
        await hub.SendFrameAsync("""{"type":8,"sequenceId":5}""");
        await hub.SendFrameAsync("""{"type":9,"sequenceId":5}""");
        Assert.True((await hub.InvokeAsync("1", "ListConversations")).TryGetProperty("result", out _));

        // A client-to-server stream on a method that takes none.
        await hub.SendFrameAsync("""{"type":1,"invocationId":"2","target":"Typing","arguments":["g:x"],"streamIds":["st1"]}""");
        Assert.StartsWith("invalid: ", (await hub.CompletionAsync("2")).Str("error"));
        Assert.True((await hub.InvokeAsync("3", "ListConversations")).TryGetProperty("result", out _));
    }

    [Theory]
    [InlineData("OnConnectedAsync")]
    [InlineData("OnDisconnectedAsync")]
    [InlineData("Dispose")]
    [InlineData("DrainOfflineAsync")]
    [InlineData("ToString")]
    public async Task Lifecycle_and_private_methods_are_not_hub_methods(string target)
    {
        await using var hub = await ConnectRawAsync();
        Assert.Equal("not_found: no such hub method", (await hub.InvokeAsync("1", target, "[null]")).Str("error"));
        Assert.True((await hub.InvokeAsync("2", "ListConversations")).TryGetProperty("result", out _));
    }

    [Fact]
    public async Task A_flood_of_calls_on_one_connection_is_rate_limited_with_the_wait_and_other_connections_are_not_charged()
    {
        await using var server = await GatewayServer.StartAsync("--Hub:InvocationsPerSecond=2", "--Hub:InvocationBurst=5");
        var user = await server.GuestAsync();
        await using var flooding = await HubClient.ConnectAsync(server.Address, user.Token);
        await using var other = await HubClient.ConnectAsync(server.Address, user.Token);

        var answers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await flooding.InvokeAsync("ListConversations");
                answers.Add("ok");
            }
            catch (HubCallException e)
            {
                answers.Add(e.Message);
            }
        }

        Assert.Equal(["ok", "ok", "ok", "ok", "ok"], answers.Take(5));
        var refusals = answers.Where(a => a != "ok").ToList();
        Assert.NotEmpty(refusals);
        var waits = refusals.Select(r => System.Text.RegularExpressions.Regex.Match(r, @"^rate_limited: too many calls on this connection; retry after (\d+) ms$")).ToList();
        Assert.All(waits, w => Assert.True(w.Success, "every refusal is rate_limited with the wait"));
        // At 2 calls per second the next call is never more than half a second away.
        Assert.All(waits, w => Assert.InRange(long.Parse(w.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 500));

        // The same user's other connection is not charged for the flood, and the flooding one is served again after the wait.
        Assert.NotNull((await other.InvokeAsync("ListConversations")).Items());
        await Task.Delay(TimeSpan.FromMilliseconds(long.Parse(waits[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 50));
        Assert.NotNull((await flooding.InvokeAsync("ListConversations")).Items());
        Assert.False(flooding.Closed);
    }

    private async Task<RawHubSocket> ConnectRawAsync() => await RawHubSocket.ConnectAsync(Server.Address, (await Server.GuestAsync()).Token);
}
