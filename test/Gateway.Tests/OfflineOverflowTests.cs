using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>
/// A user away for longer than the bounded offline queue holds (Chat:Users:OfflineQueueLimit) is told with the
/// `sync` event to Sync on reconnect, and Sync from the client's cursors gives every message. Own gateway with a small bound.
/// </summary>
public sealed class OfflineOverflowTests : IAsyncLifetime
{
    private const int QueueLimit = 3;

    private GatewayServer _server = null!;

    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync($"--Chat:Users:OfflineQueueLimit={QueueLimit}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_user_offline_beyond_the_queue_bound_gets_sync_and_Sync_returns_every_message()
    {
        var (_, aliceHub) = await _server.ConnectGuestAsync("Alice");
        var bob = await _server.GuestAsync("Bob");
        await using var _ = aliceHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        const int sent = QueueLimit + 5;
        for (var i = 1; i <= sent; i++) await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"ov{i}", kind = "text", text = $"away {i}" });

        await using var bobHub = await HubClient.ConnectAsync(_server.Address, bob.Token);
        var sync = await bobHub.WaitForEventAsync("sync");
        Assert.Equal("offline_overflow", sync.Str("reason"));

        // The client's cursor: nothing seen of this conversation before going away.
        var result = await bobHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { [id] = 0 } });
        var texts = result.Items("messages").Where(m => m.Str("conversationId") == id).Select(m => m.Str("text"));
        Assert.Equal(Enumerable.Range(1, sent).Select(i => $"away {i}"), texts);

        // Told once: the next connection has nothing to catch up on and no sync.
        await using var again = await HubClient.ConnectAsync(_server.Address, bob.Token);
        await again.InvokeAsync("ListConversations");
        Assert.Empty(again.Events("sync"));
    }
}
