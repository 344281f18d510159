using Im.Orleans.Gateway.Tests.Infrastructure;
using Im.Orleans.Testing;

namespace Im.Orleans.Gateway.Tests;

/// <summary>People and message search on a gateway that keeps everything in PostgreSQL (cluster storage).</summary>
public sealed class PostgresSearchTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task SearchUsers_and_SearchMessages_work_on_postgres()
    {
        var connectionString = await postgres.CreateDatabaseAsync("search_" + Guid.NewGuid().ToString("N")[..8]);
        await using var server = await GatewayServer.StartAsync($"--Storage:Postgres:ConnectionString={connectionString}");
        var (_, aliceHub) = await ProfileTests.RegisterAsync(server, "alice-pg", "Alice Walker");
        var (bob, bobHub) = await ProfileTests.RegisterAsync(server, "bob-pg", "Bob Stone");
        var (_, guestHub) = await server.ConnectGuestAsync("Bob Guest");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = guestHub;

        Assert.Equal([bob.UserId], (await aliceHub.InvokeAsync("SearchUsers", new { query = "bo" })).Items().Select(p => p.Str("userId")));
        Assert.Equal([bob.UserId], (await aliceHub.InvokeAsync("SearchUsers", new { query = "STONE" })).Items().Select(p => p.Str("userId")));

        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        foreach (var text in new[] { "Lunch at noon?", "Sure, lunch at the usual place", "See you" })
            await aliceHub.InvokeAsync("Send", new { conversationId = direct, clientMsgId = Guid.NewGuid().ToString("N"), kind = "text", text });

        var first = await bobHub.InvokeAsync("SearchMessages", new { query = "LUNCH at", limit = 1 });
        Assert.Equal(["Sure, lunch at the usual place"], first.Items("hits").Select(h => h.Str("text")));
        var second = await bobHub.InvokeAsync("SearchMessages", new { query = "lunch at", before = first.Str("next") });
        Assert.Equal(["Lunch at noon?"], second.Items("hits").Select(h => h.Str("text")));
        Assert.Null(second.Str("next"));
        Assert.Empty((await guestHub.InvokeAsync("SearchMessages", new { query = "lunch" })).Items("hits"));
    }
}
