using System.Net;
using System.Net.Http.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Testing;

namespace Im.Orleans.Gateway.Tests;

/// <summary>With Storage:Postgres:ConnectionString the gateway keeps accounts, grain state and messages in PostgreSQL.</summary>
public sealed class PostgresStorageTests : IClassFixture<PostgresServer>
{
    private readonly PostgresServer _postgres;

    public PostgresStorageTests(PostgresServer postgres) => _postgres = postgres;

    [Fact]
    public async Task Accounts_and_messages_survive_a_restart_on_postgres()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("gateway_" + Guid.NewGuid().ToString("N")[..8]);
        var args = new[] { $"--Storage:Postgres:ConnectionString={connectionString}" };
        var userId = "pg" + Guid.NewGuid().ToString("N")[..8];
        string conversationId;

        await using (var first = await GatewayServer.StartAsync(args))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/health/ready")).StatusCode);
            var registered = await first.Http.PostAsJsonAsync("/api/auth/register", new { userId, password = "password1", displayName = "P" });
            var token = (await registered.Content.ReadFromJsonAsync<IssuedToken>())!;
            await using var hub = await HubClient.ConnectAsync(first.Address, token.Token);
            var (peer, peerHub) = await first.ConnectGuestAsync("Peer");
            await using var _ = peerHub;
            conversationId = (await hub.InvokeAsync("OpenDirect", peer.UserId)).Str("conversationId");
            await hub.InvokeAsync("Send", new { conversationId, clientMsgId = "pg-1", kind = "text", text = "stored in postgres" });
        }

        // A new node with an empty data directory: everything comes back from PostgreSQL.
        await using var second = await GatewayServer.StartAsync(args);
        var login = await second.Http.PostAsJsonAsync("/api/auth/login", new { userId, password = "password1" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        // The signing key is per data directory, so the new node issues its own token.
        var again = (await login.Content.ReadFromJsonAsync<IssuedToken>())!;
        await using var hub2 = await HubClient.ConnectAsync(second.Address, again.Token);
        var history = await hub2.InvokeAsync("History", conversationId, 100, 10);
        Assert.Equal("stored in postgres", history.Items().Single().Str("text"));
        Assert.Contains((await hub2.InvokeAsync("ListConversations")).Items(), c => c.Str("conversationId") == conversationId);
    }
}
