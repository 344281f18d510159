using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Im.Orleans.Gateway.Tests.Infrastructure;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// The MessagePack hub protocol, through the official .NET client and below it: the same payloads as JSON (names and
/// values, compared with what a JSON connection of the same user gets), the same coded errors, and malformed frames
/// closed at once with "invalid: …".
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class MessagePackProtocolTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Events_and_results_are_the_json_payloads_in_messagepack()
    {
        var (alice, aliceJson) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobJson) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceJson;
        await using var __ = bobJson;
        await using var alicePack = await HubClient.ConnectAsync(Server.Address, alice.Token, "phone", messagePack: true);

        var group = await alicePack.InvokeAsync("CreateGroup", new { title = "Pack ü", memberIds = new[] { bob.UserId } });
        var id = group.Str("conversationId");
        Assert.Equal("Pack ü", group.Str("title"));
        AssertSame(await aliceJson.InvokeAsync("ListConversations"), await alicePack.InvokeAsync("ListConversations"));

        var ack = await alicePack.InvokeAsync("Send", new { conversationId = id, clientMsgId = "p1", kind = "text", text = "héllo \"😀\"\n" });
        Assert.Equal(1, ack.Long("seq"));
        Assert.Equal(id, ack.Str("conversationId"));
        Assert.False(ack.Bool("duplicate"));
        // Timestamps are the JSON protocol's ISO 8601 strings, not MessagePack timestamps.
        Assert.Equal(JsonValueKind.String, ack.GetProperty("sentAt").ValueKind);
        DateTimeOffset.Parse(ack.Str("sentAt"), CultureInfo.InvariantCulture);

        var packed = await alicePack.WaitForEventAsync("message");
        var json = await aliceJson.WaitForEventAsync("message");
        AssertSame(json, packed);
        Assert.Equal("héllo \"😀\"\n", packed.Str("text"));
        Assert.Equal("text", packed.Str("kind"));
        Assert.Equal("p1", packed.Str("clientMsgId"));
        Assert.Equal(ack.Str("sentAt"), packed.Str("sentAt"));

        // A message from a JSON client arrives the same way.
        await bobJson.InvokeAsync("Send", new { conversationId = id, clientMsgId = "j1", kind = "text", text = "from json", replyToSeq = 1 });
        AssertSame(
            await aliceJson.WaitForEventAsync("message", m => m.Long("seq") == 2),
            await alicePack.WaitForEventAsync("message", m => m.Long("seq") == 2));

        AssertSame(await aliceJson.InvokeAsync("History", id, 100, 50), await alicePack.InvokeAsync("History", id, 100, 50));
        var cursors = new { cursors = new Dictionary<string, long> { [id] = 0 }, limit = 10 };
        var sync = await alicePack.InvokeAsync("Sync", cursors);
        Assert.Equal(2, sync.GetProperty("messages").GetArrayLength());
        AssertSame(await aliceJson.InvokeAsync("Sync", cursors), sync);
    }

    [Fact]
    public async Task Errors_carry_the_same_codes_and_texts_as_json()
    {
        var (alice, aliceJson) = await Server.ConnectGuestAsync("Alice");
        var peer = await Server.GuestAsync("Peer");
        await using var _ = aliceJson;
        await using var alicePack = await HubClient.ConnectAsync(Server.Address, alice.Token, "phone", messagePack: true);
        var id = (await aliceJson.InvokeAsync("OpenDirect", peer.UserId)).Str("conversationId");

        (string Method, object?[] Args)[] calls =
        [
            ("Send", [new { conversationId = id, clientMsgId = "long", kind = "text", text = new string('t', 4001) }]),
            ("Send", [new { conversationId = 5, clientMsgId = "num", kind = "text", text = "x" }]),
            ("Send", [new { conversationId = id, kind = "text", text = "no id" }]),
            ("History", [id, 0, 50]),
            ("History", [id]),
            ("NoSuchMethod", []),
            ("OpenDirect", ["g:nobody"]),
        ];
        foreach (var (method, args) in calls)
        {
            var expected = await ErrorAsync(aliceJson, method, args);
            Assert.Matches("^[a-z_]+: ", expected);
            Assert.Equal(expected, await ErrorAsync(alicePack, method, args));
        }
        Assert.False(alicePack.Closed);
    }

    [Fact]
    public async Task Text_that_is_not_utf8_is_invalid_naming_the_field()
    {
        var peer = await Server.GuestAsync("Peer");
        var (user, json) = await Server.ConnectGuestAsync();
        await using var _ = json;
        var id = (await json.InvokeAsync("OpenDirect", peer.UserId)).Str("conversationId");
        await using var hub = await RawMessagePackSocket.ConnectAsync(Server.Address, user.Token);

        var answer = await hub.InvokeAsync("3", "Send", (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(4);
            w.Write("conversationId");
            w.Write(id);
            w.Write("clientMsgId");
            w.Write("raw-1");
            w.Write("kind");
            w.Write("text");
            w.Write("text");
            w.WriteString([(byte)'a', 0xC3, 0x28, (byte)'b']);
        }, 1);
        Assert.Equal("invalid: text is not valid Unicode text", answer);
        Assert.Equal("ok", await hub.InvokeAsync("4", "ListConversations", (ref MessagePackWriter w) => { }, 0));
    }

    [Fact]
    public async Task A_malformed_frame_closes_the_connection_with_a_coded_reason_and_is_counted()
    {
        // Counted on this gateway's own meter. Its /metrics is no proof here: in one test process every gateway's
        // exporter listens to every meter of the same name and keeps the first gateway's counter.
        await using var server = await GatewayServer.StartAsync();
        using var frames = new FrameRefusalCounter(server.Services.GetRequiredService<IMeterFactory>());
        await using var hub = await RawMessagePackSocket.ConnectAsync(server.Address, (await server.GuestAsync()).Token);
        await hub.SendFrameAsync([0x93, 0xc1, 0x01, 0x02]);
        Assert.StartsWith("invalid: malformed hub message", await hub.WaitForCloseAsync());
        Assert.Equal(1, frames.Count);
    }

    [Fact]
    public async Task A_frame_that_is_not_an_array_closes_the_connection_with_a_coded_reason()
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync(RawMessagePackSocket.Payload((ref MessagePackWriter w) => w.Write("hello")));
        Assert.StartsWith("invalid: malformed hub message", await hub.WaitForCloseAsync());
    }

    [Theory]
    [InlineData(99)]
    [InlineData(0)]
    public async Task An_unknown_message_type_closes_the_connection_at_once(int type)
    {
        await using var hub = await ConnectRawAsync();
        await hub.SendFrameAsync(RawMessagePackSocket.Payload((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(type);
            w.WriteMapHeader(0);
        }));
        Assert.Equal($"invalid: unknown hub message type {type}", await hub.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_frame_that_declares_more_than_the_limit_closes_the_connection_at_once()
    {
        await using var hub = await ConnectRawAsync();
        // A length prefix of 16 MB and the first bytes only: the server must not wait for the rest.
        await hub.SendRawAsync([0x80, 0x80, 0x80, 0x08, 0x95, 0x01]);
        Assert.Matches(@"^invalid: a hub message may be at most \d+ bytes$", await hub.WaitForCloseAsync());
    }

    private async Task<RawMessagePackSocket> ConnectRawAsync() => await RawMessagePackSocket.ConnectAsync(Server.Address, (await Server.GuestAsync()).Token);

    private static async Task<string> ErrorAsync(HubClient hub, string method, object?[] args)
    {
        try
        {
            return "answered: " + await hub.InvokeAsync(method, args);
        }
        catch (HubCallException e)
        {
            return e.Message;
        }
    }

    private static void AssertSame(JsonElement json, JsonElement messagePack) =>
        Assert.True(JsonElement.DeepEquals(json, messagePack), $"JSON: {json}\nMessagePack: {messagePack}");
}
