using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>SetProfile with the `profile` event, avatars uploaded with purpose=avatar, GetProfiles and ListBlocked.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ProfileTests(GatewayFixture fixture)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task A_new_display_name_reaches_peers_and_contacts_live_and_shows_in_their_conversation_lists()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var (carol, carolHub) = await Server.ConnectGuestAsync("Carol");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = carolHub;
        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        await aliceHub.InvokeAsync("AddContact", carol.UserId);

        var answer = await aliceHub.InvokeAsync("SetProfile", new { displayName = "  Alice Liddell " });

        Assert.Equal(alice.UserId, answer.Str("userId"));
        Assert.Equal("Alice Liddell", answer.Str("displayName"));
        Assert.False(answer.Bool("listed"), "guests are never listed");
        foreach (var hub in new[] { bobHub, carolHub, aliceHub })
        {
            var seen = await hub.WaitForEventAsync("profile", e => e.Str("userId") == alice.UserId);
            Assert.Equal("Alice Liddell", seen.Str("displayName"));
        }
        await bobHub.WaitForEventAsync("conversation", c => c.Str("conversationId") == direct
            && c.Items("members").Any(m => m.Str("userId") == alice.UserId && m.Str("displayName") == "Alice Liddell"));
        var listed = (await bobHub.InvokeAsync("ListConversations")).Items().Single(c => c.Str("conversationId") == direct);
        Assert.Equal("Alice Liddell", listed.Items("members").Single(m => m.Str("userId") == alice.UserId).Str("displayName"));
    }

    [Fact]
    public async Task GetProfiles_answers_known_ids_and_leaves_unknown_ones_out()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;

        var profiles = (await aliceHub.InvokeAsync("GetProfiles", (object)new[] { bob.UserId, "nobody-" + Guid.NewGuid().ToString("N"), alice.UserId, bob.UserId })).Items();

        Assert.Equal([bob.UserId, alice.UserId], profiles.Select(p => p.Str("userId")));
        Assert.Equal("Bob", profiles[0].Str("displayName"));
        await HubAssert.FailsWith("invalid", () => aliceHub.InvokeAsync("GetProfiles", (object)Enumerable.Range(0, 201).Select(i => $"u{i}").ToArray()));
    }

    [Fact]
    public async Task An_avatar_uploaded_with_purpose_avatar_is_set_readable_by_anyone_signed_in_and_removable()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (stranger, strangerHub) = await Server.ConnectGuestAsync("Stranger");
        await using var _ = aliceHub;
        await using var __ = strangerHub;

        var upload = await UploadAvatarAsync(alice.Token, Png, "image/png");
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var avatarId = (await upload.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).Str("id");

        var profile = await aliceHub.InvokeAsync("SetProfile", new { avatarId });
        Assert.Equal($"/api/files/{avatarId}", profile.Str("avatarUrl"));
        Assert.Equal(profile.Str("avatarUrl"), (await strangerHub.InvokeAsync("GetProfiles", (object)new[] { alice.UserId })).Items().Single().Str("avatarUrl"));

        // Someone who shares no conversation with Alice still sees her avatar.
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/files/{avatarId}");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stranger.Token);
        var fetched = await Server.Http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(Png, await fetched.Content.ReadAsByteArrayAsync());

        // Not an image, too big, someone else's avatar: refused, and the avatar stays.
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAvatarAsync(alice.Token, [1, 2, 3], "application/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await UploadAvatarAsync(alice.Token, new byte[2 * 1024 * 1024 + 1], "image/png")).StatusCode);
        await HubAssert.FailsWith("invalid", () => strangerHub.InvokeAsync("SetProfile", new { avatarId }));
        await HubAssert.FailsWith("invalid", () => aliceHub.InvokeAsync("SetProfile", new { avatarId = "0123456789abcdef0123456789abcdef" }));
        Assert.Equal($"/api/files/{avatarId}", (await aliceHub.InvokeAsync("GetProfiles", (object)new[] { alice.UserId })).Items().Single().Str("avatarUrl"));

        var removed = await aliceHub.InvokeAsync("SetProfile", new { avatarId = "" });
        Assert.Null(removed.Str("avatarUrl"));
    }

    [Fact]
    public async Task SetProfile_refuses_bad_input_with_invalid_and_keeps_the_profile()
    {
        var (alice, hub) = await Server.ConnectGuestAsync("Alice");
        await using var _ = hub;

        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SetProfile", new { displayName = "   " }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SetProfile", new { displayName = new string('x', 101) }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SetProfile", new { listed = "yes" }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("SetProfile", "Alice"));

        Assert.Equal("Alice", (await hub.InvokeAsync("GetProfiles", (object)new[] { alice.UserId })).Items().Single().Str("displayName"));
    }

    [Fact]
    public async Task ListBlocked_lists_whom_the_caller_blocked_until_unblocked()
    {
        var (_, hub) = await Server.ConnectGuestAsync("Me");
        var (pest, pestHub) = await Server.ConnectGuestAsync("Pest");
        await using var _ = hub;
        await using var __ = pestHub;

        Assert.Empty((await hub.InvokeAsync("ListBlocked")).Items());
        await hub.InvokeAsync("Block", pest.UserId);
        Assert.Equal([pest.UserId], (await hub.InvokeAsync("ListBlocked")).Items().Select(e => e.GetString()));
        await hub.InvokeAsync("Unblock", pest.UserId);
        Assert.Empty((await hub.InvokeAsync("ListBlocked")).Items());
    }

    /// <summary>A registered user (role user, listed by default) connected to the hub.</summary>
    internal static async Task<(IssuedToken User, HubClient Hub)> RegisterAsync(GatewayServer server, string userId, string displayName)
    {
        var response = await server.Http.PostAsJsonAsync("/api/auth/register", new { userId, password = "correct horse", displayName });
        response.EnsureSuccessStatusCode();
        var user = (await response.Content.ReadFromJsonAsync<IssuedToken>())!;
        return (user, await HubClient.ConnectAsync(server.Address, user.Token));
    }

    private Task<HttpResponseMessage> UploadAvatarAsync(string token, byte[] bytes, string contentType)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(content, "file", "me.png");
        form.Add(new StringContent("avatar"), "purpose");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/files") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Server.Http.SendAsync(request);
    }
}
