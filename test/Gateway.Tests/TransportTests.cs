using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
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

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task Each_transport_carries_a_handshake_invocations_events_and_errors(HttpTransportType transport)
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice", transport: transport);
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob", transport: transport);
        await using var _ = aliceHub;
        await using var __ = bobHub;

        Assert.Empty((await aliceHub.InvokeAsync("ListConversations")).Items());
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var ack = await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"over-{transport}", kind = "text", text = "hello" });
        Assert.Equal(1, ack.Long("seq"));
        var message = await bobHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == $"over-{transport}");
        Assert.Equal("hello", message.Str("text"));
        await HubAssert.FailsWith("not_found", () => bobHub.InvokeAsync("NoSuchMethod"));
        Assert.False(aliceHub.Closed || bobHub.Closed);
    }

    [Fact]
    public async Task Health_live_and_ready_answer_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task Connection_refresh_keeps_live_connections_reachable(HttpTransportType transport)
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice", transport: transport);
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob", transport: transport);
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        await Server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ConnectionRefreshService>().Single().RefreshAllAsync(CancellationToken.None);

        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "after-refresh", kind = "text", text = "still here" });
        await bobHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == "after-refresh");
        Assert.Contains(alice.UserId, Server.Services.GetRequiredService<ConnectionRegistry>().Snapshot().Select(s => s.UserId));
    }
}
