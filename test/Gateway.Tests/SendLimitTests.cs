using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Tests;

/// <summary>The Send limit is one budget per user for the whole cluster, and a refusal says how long to wait.</summary>
public sealed class SendLimitTests
{
    [Fact]
    public async Task Two_gateways_share_one_send_budget_per_user()
    {
        await using var server = await GatewayServer.StartAsync();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var options = new StaticOptions(new SendRateLimitOptions { PerSecond = 0.01, Burst = 4 });
        // Two limiters are what two gateway processes hold: each its own leases, the cluster one bucket.
        var gateways = new[] { new SendRateLimiter(grains, options, TimeProvider.System), new SendRateLimiter(grains, options, TimeProvider.System) };
        var user = "limited-" + Guid.NewGuid().ToString("N");

        var grants = new List<RateGrant>();
        for (var i = 0; i < 12; i++) grants.Add(await gateways[i % 2].AcquireAsync(user));

        Assert.Equal(4, grants.Count(g => !g.IsRefused));
        Assert.All(grants.Where(g => g.IsRefused), g => Assert.True(g.RetryAfter > TimeSpan.Zero));
        // Another user's budget is untouched.
        Assert.False((await gateways[0].AcquireAsync(user + "-other")).IsRefused);
    }

    [Fact]
    public async Task A_refused_send_says_how_long_to_wait_and_a_reconnect_does_not_refill_the_budget()
    {
        await using var server = await GatewayServer.StartAsync("--RateLimit:Send:PerSecond=0.05", "--RateLimit:Send:Burst=3");
        var (alice, aliceHub) = await server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await server.ConnectGuestAsync("Bob");
        await using var _ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        Task Send(HubClient hub, int i) => hub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"m{i}", kind = "text", text = "hi" });

        for (var i = 0; i < 3; i++) await Send(aliceHub, i);
        var refused = await Assert.ThrowsAsync<HubCallException>(() => Send(aliceHub, 3));
        Assert.Equal("rate_limited", refused.Code);
        Assert.Matches(@"^rate_limited: too many messages, slow down; retry after [1-9][0-9]* ms$", refused.Message);

        await aliceHub.DisposeAsync();
        await using var again = await HubClient.ConnectAsync(server.Address, alice.Token);
        var stillRefused = await Assert.ThrowsAsync<HubCallException>(() => Send(again, 4));
        Assert.Equal("rate_limited", stillRefused.Code);
    }

    private sealed class StaticOptions(SendRateLimitOptions value) : IOptionsMonitor<SendRateLimitOptions>
    {
        public SendRateLimitOptions CurrentValue => value;
        public SendRateLimitOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<SendRateLimitOptions, string?> listener) => null;
    }
}
