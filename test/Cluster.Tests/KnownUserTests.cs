using Im.Orleans.Grains;
using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>The unknown-user check across silos: a null profile and the not_found refusal survive serialization.</summary>
[Collection(PostgresCollection.Name)]
public sealed class KnownUserTests(PostgresServer postgres)
{
    [Fact]
    public async Task FindProfile_null_and_the_not_found_refusal_cross_the_wire()
    {
        await using var chat = await ChatCluster.StartAsync(postgres, "known");
        var grains = chat.Grains;

        Assert.Null(await grains.GetGrain<IUserGrain>("nobody").FindProfile());
        await grains.GetGrain<IUserGrain>("alice").SetProfile("Alice", null, "user");
        Assert.Equal(new UserProfile("alice", "Alice", null, "user"), await grains.GetGrain<IUserGrain>("alice").FindProfile());

        // Several unknown peers so some user grains live on the other silo than their conversation.
        foreach (var peer in Enumerable.Range(0, 4).Select(i => $"ghost{i}"))
        {
            var refused = await Assert.ThrowsAsync<ChatException>(() => grains.GetGrain<IConversationGrain>(ConversationIds.Direct("alice", peer)).OpenDirect("alice", peer));
            Assert.Equal((ErrorCodes.NotFound, $"No such user: {peer}."), (refused.Code, refused.Message));
        }
    }
}
