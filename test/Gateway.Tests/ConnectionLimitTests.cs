using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// A connection flood must not kill the gateway: beyond its cap of hub connections (Limits:MaxConnections) negotiate
/// answers 503 with a coded JSON body and a WebSocket that skipped negotiation is closed (1013, with a coded reason), while the
/// connections it holds keep working; beyond a user's cap (Chat:Users:MaxConnectionsPerUser) the client sees a
/// coded rate_limited close. Each test starts its own gateway with small caps.
/// </summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private const int GatewayCap = 5;
    private const int UserCap = 3;
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    private GatewayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await GatewayServer.StartAsync($"--Limits:MaxConnections={GatewayCap}", $"--Chat:Users:MaxConnectionsPerUser={UserCap}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Beyond_the_gateway_cap_negotiate_answers_503_and_a_websocket_without_negotiation_is_closed()
    {
        // The cap counts hub connections on every transport.
        var (alice, aliceHub) = await _server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await _server.ConnectGuestAsync("Bob", transport: HttpTransportType.ServerSentEvents);
        var (_, carolHub) = await _server.ConnectGuestAsync("Carol", transport: HttpTransportType.LongPolling);
        var (_, daveHub) = await _server.ConnectGuestAsync("Dave");
        var (_, erinHub) = await _server.ConnectGuestAsync("Erin");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = carolHub;
        await using var ____ = erinHub;

        var late = await _server.GuestAsync("Late");
        var negotiate = await NegotiateAsync(late.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate.StatusCode);
        Assert.StartsWith("unavailable: ", (await negotiate.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        Assert.True(negotiate.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 at the cap carries Retry-After in seconds");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => HubClient.ConnectAsync(_server.Address, late.Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        // A WebSocket that skips negotiation is accepted and closed at once with 1013 "try again later" and the coded
        // text as the reason; the official .NET client reports the status only.
        var skipped = await Assert.ThrowsAnyAsync<Exception>(() => HubClient.ConnectAsync(_server.Address, late.Token, negotiate: false));
        Assert.Contains("1013", skipped.Message);
        var (status, reason) = await RawWebSocketCloseAsync(late.Token);
        Assert.Equal(TryAgainLater, status);
        Assert.StartsWith("unavailable: ", reason);

        // What the gateway holds keeps working: a send and its push, on WebSockets and on Server-Sent Events.
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "at-the-cap", kind = "text", text = "still here" });
        Assert.Equal("still here", (await bobHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == "at-the-cap")).Str("text"));
        Assert.False(aliceHub.Closed || bobHub.Closed || carolHub.Closed || erinHub.Closed);

        // A closed connection frees its place for a new one.
        await daveHub.DisposeAsync();
        await using var lateHub = await ConnectOnceFreedAsync(late.Token);
        var lateId = (await lateHub.InvokeAsync("OpenDirect", alice.UserId)).Str("conversationId");
        await lateHub.InvokeAsync("Send", new { conversationId = lateId, clientMsgId = "after-a-close", kind = "text", text = "in" });
        await aliceHub.WaitForEventAsync("message", m => m.Str("clientMsgId") == "after-a-close");
    }

    [Fact]
    public async Task Beyond_the_per_user_cap_the_client_sees_a_rate_limited_close_and_its_other_connections_work()
    {
        var alice = await _server.GuestAsync("Alice");
        var (bob, bobHub) = await _server.ConnectGuestAsync("Bob");
        await using var _ = bobHub;
        var hubs = new List<HubClient>();
        try
        {
            for (var i = 0; i < UserCap; i++) hubs.Add(await HubClient.ConnectAsync(_server.Address, alice.Token, device: $"device-{i}"));

            var close = await RefusalAsync(HubClient.ConnectAsync(_server.Address, alice.Token, device: "one-too-many"));
            Assert.StartsWith("rate_limited: ", close);
            var skipped = await RefusalAsync(HubClient.ConnectAsync(_server.Address, alice.Token, device: "no-negotiate", negotiate: false));
            Assert.StartsWith("rate_limited: ", skipped);

            var id = (await bobHub.InvokeAsync("OpenDirect", alice.UserId)).Str("conversationId");
            await bobHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "to-every-device", kind = "text", text = "hi" });
            foreach (var hub in hubs)
            {
                await hub.WaitForEventAsync("message", m => m.Str("clientMsgId") == "to-every-device");
                Assert.False(hub.Closed);
            }

            // Closing one device lets another in.
            await hubs[0].DisposeAsync();
            hubs[0] = await ConnectOnceFreedAsync(alice.Token);
        }
        finally
        {
            foreach (var hub in hubs) await hub.DisposeAsync();
        }
    }

    /// <summary>How a plain WebSocket client sees the hub endpoint close on it: the close status and reason.</summary>
    private async Task<(WebSocketCloseStatus? Status, string? Reason)> RawWebSocketCloseAsync(string token)
    {
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(CloseWait);
        var url = new UriBuilder(_server.Address) { Scheme = "ws", Path = "/hubs/chat", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        await socket.ConnectAsync(url, timeout.Token);
        var received = await socket.ReceiveAsync(new byte[1024], timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        return (received.CloseStatus, received.CloseStatusDescription);
    }

    private async Task<HttpResponseMessage> NegotiateAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _server.Http.SendAsync(request);
    }

    /// <summary>
    /// The error a refused connection closes with, as the official client reports it. The handshake completes before
    /// the hub refuses, so the start succeeds and the close follows; should the close win the race, the start fails
    /// with the same text.
    /// </summary>
    private static async Task<string?> RefusalAsync(Task<HubClient> connecting)
    {
        HubClient hub;
        try
        {
            hub = await connecting;
        }
        catch (Exception e) when (e is not HttpRequestException)
        {
            return e.Message;
        }
        await using (hub)
        {
            Assert.True(await hub.WaitUntilClosedAsync(CloseWait), "the gateway kept a connection beyond its cap open");
            return hub.CloseError;
        }
    }

    /// <summary>Connects once the gateway has seen an earlier connection close: the client's stop returns before the server's cleanup.</summary>
    private async Task<HubClient> ConnectOnceFreedAsync(string token)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var hub = await HubClient.ConnectAsync(_server.Address, token);
                if (!await hub.WaitUntilClosedAsync(TimeSpan.FromMilliseconds(200))) return hub;
                await hub.DisposeAsync();
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable && clock.Elapsed < CloseWait)
            {
            }
            if (clock.Elapsed >= CloseWait) throw new TimeoutException("no place was freed for a new connection");
            await Task.Delay(50);
        }
    }
}
