using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>POST /api/files and GET /api/files/{id}: members only, size and type limits, attachments in messages.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FileTests(GatewayFixture fixture)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Upload_then_members_download_it_with_its_content_type_and_nosniff()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        var upload = await UploadAsync(alice.Token, id, Png, "image/png", "cat.png");
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var file = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("image", file.Str("kind"));
        Assert.Equal(Png.Length, file.Long("size"));

        // Bob downloads through ?access_token= as an <img> tag would.
        var download = await Server.Http.GetAsync($"{file.Str("url")}?access_token={bob.Token}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());

        // The attachment travels in the message with its metadata.
        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "img1", kind = "image", attachmentId = file.Str("id") });
        var message = await bobHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == "img1");
        var attachment = message.GetProperty("attachment");
        Assert.Equal(file.Str("id"), attachment.Str("id"));
        Assert.Equal("image/png", attachment.Str("contentType"));
        Assert.Equal("cat.png", attachment.Str("fileName"));
    }

    [Fact]
    public async Task Downloads_from_the_data_directory_answer_range_requests_and_attach_documents()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        await using var _ = aliceHub;
        var id = (await aliceHub.InvokeAsync("CreateGroup", new { title = "docs", memberIds = Array.Empty<string>() })).Str("conversationId");
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var file = await (await UploadAsync(alice.Token, id, bytes, "application/pdf", "doc.pdf")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(File.Exists(Path.Combine(Server.DataDirectory, "files", file.Str("id")[..2], file.Str("id") + ".bin")), "the embedded default keeps uploads on disk");

        using var request = new HttpRequestMessage(HttpMethod.Get, file.Str("url"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
        request.Headers.Range = new RangeHeaderValue(4000, null);
        var range = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(bytes[4000..], await range.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 4000-4999/5000", range.Content.Headers.ContentRange!.ToString());
        Assert.Equal("attachment", range.Content.Headers.ContentDisposition!.DispositionType);
        Assert.True(range.Headers.CacheControl!.Private);
        Assert.Equal(TimeSpan.FromDays(1), range.Headers.CacheControl.MaxAge);
    }

    [Fact]
    public async Task Non_members_cannot_download_or_upload()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var outsider = await Server.GuestAsync("Outsider");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var file = await (await UploadAsync(alice.Token, id, Png, "image/png", "a.png")).Content.ReadFromJsonAsync<JsonElement>();

        using var request = new HttpRequestMessage(HttpMethod.Get, file.Str("url"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", outsider.Token);
        await AuthTests.AssertError(await Server.Http.SendAsync(request), HttpStatusCode.Forbidden, "forbidden");
        await AuthTests.AssertError(await UploadAsync(outsider.Token, id, Png, "image/png", "b.png"), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync(file.Str("url"))).StatusCode);

        // Another conversation's file cannot be attached either.
        var other = (await bobHub.InvokeAsync("CreateGroup", new { title = "other", memberIds = Array.Empty<string>() })).Str("conversationId");
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("Send", new { conversationId = other, clientMsgId = "x", kind = "image", attachmentId = file.Str("id") }));
    }

    [Fact]
    public async Task Too_large_is_413_and_a_bad_type_is_invalid()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        await using var _ = aliceHub;
        var id = (await aliceHub.InvokeAsync("CreateGroup", new { title = "files", memberIds = Array.Empty<string>() })).Str("conversationId");

        var tooLarge = await UploadAsync(alice.Token, id, new byte[10 * 1024 * 1024 + 1], "application/pdf", "big.pdf");
        await AuthTests.AssertError(tooLarge, HttpStatusCode.RequestEntityTooLarge, "invalid");
        await AuthTests.AssertError(await UploadAsync(alice.Token, id, "<script>"u8.ToArray(), "text/html", "x.html"), HttpStatusCode.BadRequest, "invalid");
        await AuthTests.AssertError(await UploadAsync(alice.Token, "", Png, "image/png", "x.png"), HttpStatusCode.BadRequest, "invalid");
        using var notMultipart = new HttpRequestMessage(HttpMethod.Post, "/api/files") { Content = JsonContent.Create(new { a = 1 }) };
        notMultipart.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
        await AuthTests.AssertError(await Server.Http.SendAsync(notMultipart), HttpStatusCode.BadRequest, "invalid");
        var missing = await Server.Http.GetAsync($"/api/files/{Guid.NewGuid():N}?access_token={alice.Token}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private Task<HttpResponseMessage> UploadAsync(string token, string conversationId, byte[] bytes, string contentType, string fileName) =>
        FileUpload.SendAsync(Server, token, conversationId, bytes, contentType, fileName);
}
