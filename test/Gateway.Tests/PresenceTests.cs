using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>SetPresence with "presence", GetPresence, Typing with "typing", Focus with "focus".</summary>
[Collection(GatewayCollection.Name)]
public sealed class PresenceTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task SetPresence_reaches_direct_peers_and_invisible_looks_offline()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await aliceHub.InvokeAsync("OpenDirect", bob.UserId);

        await aliceHub.InvokeAsync("SetPresence", "away");
        var away = await bobHub.WaitForEventAsync("presence", e => e.Str("userId") == alice.UserId && e.Str("status") == "away");
        Assert.Equal(alice.UserId, away.Str("userId"));

        await aliceHub.InvokeAsync("SetPresence", "invisible");
        await bobHub.WaitForEventAsync("presence", e => e.Str("userId") == alice.UserId && e.Str("status") == "offline");
        Assert.DoesNotContain(bobHub.Events("presence"), e => e.Str("status") == "invisible");
        var seen = (await bobHub.InvokeAsync("GetPresence", (object)new[] { alice.UserId })).Items().Single();
        Assert.Equal("offline", seen.Str("status"));
    }

    [Fact]
    public async Task GetPresence_answers_each_user_asked_for()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (_, bobHub) = await Server.ConnectGuestAsync("Bob");
        var absent = await Server.GuestAsync("Absent");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await aliceHub.InvokeAsync("SetPresence", "busy");

        var answer = (await bobHub.InvokeAsync("GetPresence", (object)new[] { alice.UserId, absent.UserId })).Items();

        Assert.Equal(2, answer.Length);
        Assert.Equal("busy", answer.Single(p => p.Str("userId") == alice.UserId).Str("status"));
        Assert.Equal("offline", answer.Single(p => p.Str("userId") == absent.UserId).Str("status"));
        Assert.True(answer[0].TryGetProperty("lastSeenAt", out var lastSeen) && lastSeen.ValueKind != System.Text.Json.JsonValueKind.Undefined);
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("GetPresence", "alice"));
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("GetPresence", (object)Enumerable.Range(0, 201).Select(i => $"user{i}").ToArray()));
        await HubAssert.FailsWith("invalid", () => aliceHub.InvokeAsync("SetPresence", "offline"));
    }

    [Fact]
    public async Task Typing_goes_to_the_other_members_only()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var (_, outsiderHub) = await Server.ConnectGuestAsync("Outsider");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = outsiderHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        await aliceHub.InvokeAsync("Typing", id);

        var typing = await bobHub.WaitForEventAsync("typing");
        Assert.Equal(id, typing.Str("conversationId"));
        Assert.Equal(alice.UserId, typing.Str("userId"));
        await Task.Delay(200);
        Assert.Empty(outsiderHub.Events("typing"));
        await HubAssert.FailsWith("forbidden", () => outsiderHub.InvokeAsync("Typing", id));
    }

    [Fact]
    public async Task Focus_switches_the_users_other_windows()
    {
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var secondWindow = await HubClient.ConnectAsync(Server.Address, bob.Token, "tab-2");
        await using var _ = bobHub;
        await using var __ = aliceHub;
        await using var ___ = secondWindow;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        await bobHub.InvokeAsync("Focus", id);

        var focus = await secondWindow.WaitForEventAsync("focus");
        Assert.Equal(id, focus.Str("conversationId"));
        Assert.False(string.IsNullOrEmpty(focus.Str("originConnectionId")));
        await Task.Delay(200);
        Assert.Empty(aliceHub.Events("focus"));
    }
}
