using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Voice and video messages, tested as image and file are: upload, send, receive, play (inline, with ranges).</summary>
[Collection(GatewayCollection.Name)]
public sealed class VoiceVideoTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Theory]
    [InlineData("audio/webm", "voice", "note.webm")]
    [InlineData("audio/ogg", "voice", "note.ogg")]
    [InlineData("video/webm", "video", "clip.webm")]
    [InlineData("video/mp4", "video", "clip.mp4")]
    public async Task A_recording_is_uploaded_sent_received_and_played_inline(string contentType, string kind, string fileName)
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 13)).ToArray();

        var upload = await FileUpload.SendAsync(Server, alice.Token, id, bytes, contentType, fileName);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var file = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(kind, file.Str("kind"));

        var clientMsgId = $"{kind}-{Guid.NewGuid():N}";
        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId, kind, attachmentId = file.Str("id") });
        var message = await bobHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == clientMsgId);
        Assert.Equal(kind, message.Str("kind"));
        Assert.Equal(contentType, message.GetProperty("attachment").Str("contentType"));
        Assert.Equal(bytes.Length, message.GetProperty("attachment").Long("size"));

        // What an <audio>/<video> element asks for: a range, with the token in the query.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{file.Str("url")}?access_token={bob.Token}");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        var played = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, played.StatusCode);
        Assert.Equal(contentType, played.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline", played.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(bytes[1000..2000], await played.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_voice_message_refuses_a_video_and_a_video_message_refuses_a_recording()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        await using var _ = aliceHub;
        var id = (await aliceHub.InvokeAsync("CreateGroup", new { title = "media", memberIds = Array.Empty<string>() })).Str("conversationId");
        var video = await (await FileUpload.SendAsync(Server, alice.Token, id, [1, 2, 3], "video/mp4", "clip.mp4")).Content.ReadFromJsonAsync<JsonElement>();
        var voice = await (await FileUpload.SendAsync(Server, alice.Token, id, [1, 2, 3], "audio/webm", "note.webm")).Content.ReadFromJsonAsync<JsonElement>();

        var refused = await HubAssert.FailsWith("invalid", () => aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "v1", kind = "voice", attachmentId = video.Str("id") }));
        Assert.Contains("video/mp4", refused.Message);
        await HubAssert.FailsWith("invalid", () => aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "v2", kind = "video", attachmentId = voice.Str("id") }));
        await HubAssert.FailsWith("invalid", () => aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "v3", kind = "voice" }));

        // Nothing of the refused sends was stored.
        Assert.Empty((await aliceHub.InvokeAsync("History", id, 100, 50)).Items());
    }
}
