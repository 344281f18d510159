using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// The per-user cap on live connections (Chat:Users:MaxConnectionsPerUser, 20 by default): the user grain sees every
/// connection of its user on every gateway, so the cap holds cluster-wide.
/// </summary>
public sealed class ConnectionLimitTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private const int DefaultCap = 20;

    [Fact]
    public async Task Connections_beyond_the_cap_are_refused_rate_limited_whichever_gateway_carries_them()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        var (east, west, north) = (chat.CaptureGateway(), chat.CaptureGateway(), chat.CaptureGateway());
        for (var i = 0; i < DefaultCap; i++) await chat.ConnectAsync(alice, $"a{i}", i % 2 == 0 ? east : west);

        var refused = await Assert.ThrowsAsync<ChatException>(() => chat.ConnectAsync(alice, "one-too-many", north));
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Contains($"{DefaultCap}", refused.Message);

        // A connection the grain already holds may register again (a gateway retrying Connect), and a closed one frees its place.
        await chat.ConnectAsync(alice, "a0", east);
        await chat.User(alice).Disconnect("a1");
        await chat.ConnectAsync(alice, "now-in", north);
        Assert.Equal(ErrorCodes.RateLimited, (await Assert.ThrowsAsync<ChatException>(() => chat.ConnectAsync(alice, "again-too-many", north))).Code);

        // Other users are not affected.
        await chat.ConnectAsync(Id("bob"), "b0", east);
    }

    [Fact]
    public async Task Connections_of_a_dead_gateway_stop_counting()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        var dead = chat.CaptureGateway();
        for (var i = 0; i < DefaultCap; i++) await chat.ConnectAsync(alice, $"a{i}", dead);
        await Assert.ThrowsAsync<ChatException>(() => chat.ConnectAsync(alice, "refused"));

        await chat.User(alice).GatewayLost(dead.GatewayId);
        await chat.ConnectAsync(alice, "after-the-gateway-died");
    }
}
