using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Transports, health probes, the web client and the connection refresh.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TransportTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Negotiate_offers_websockets_sse_and_long_polling()
    {
        var guest = await Server.GuestAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", guest.Token);
        var response = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var transports = body.Items("availableTransports").Select(t => t.Str("transport")).ToHashSet();
        Assert.Equal(new HashSet<string> { "WebSockets", "ServerSentEvents", "LongPolling" }, transports);
    }

    [Fact]
    public async Task Long_polling_carries_a_handshake_and_an_invocation()
    {
        var guest = await Server.GuestAsync();
        var negotiate = await Server.Http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&access_token={guest.Token}", null);
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>()).Str("connectionToken");
        var url = $"/hubs/chat?id={token}&access_token={guest.Token}";

        // The first poll only opens the connection (answered at once, empty).
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync(url)).StatusCode);
        var handshake = await Server.Http.PostAsync(url, new StringContent("{\"protocol\":\"json\",\"version\":1}\u001e", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.StartsWith("{}", await PollUntilAsync(url, "{}"));
        await Server.Http.PostAsync(url, new StringContent("{\"type\":1,\"invocationId\":\"1\",\"target\":\"ListConversations\",\"arguments\":[]}\u001e", Encoding.UTF8));
        var poll = await PollUntilAsync(url, "\"type\":3");
        Assert.Contains("\"type\":3", poll);
        Assert.Contains("\"result\":[]", poll);
        await Server.Http.DeleteAsync(url);
    }

    private async Task<string> PollUntilAsync(string url, string expected)
    {
        var seen = new StringBuilder();
        for (var i = 0; i < 5 && !seen.ToString().Contains(expected, StringComparison.Ordinal); i++)
            seen.Append(await (await Server.Http.GetAsync(url)).Content.ReadAsStringAsync());
        return seen.ToString();
    }

    [Fact]
    public async Task Health_live_and_ready_answer_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Connection_refresh_keeps_live_connections_reachable()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        await Server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ConnectionRefreshService>().Single().RefreshAllAsync(CancellationToken.None);

        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "after-refresh", kind = "text", text = "still here" });
        await bobHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == "after-refresh");
        Assert.Contains(alice.UserId, Server.Services.GetRequiredService<ConnectionRegistry>().Snapshot().Select(s => s.UserId));
    }
}
