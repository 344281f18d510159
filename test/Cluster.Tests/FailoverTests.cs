using System.Diagnostics;
using Im.Orleans.Grains;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Cluster.Tests;

/// <summary>A silo killed under a cluster: its grains come back on a survivor with their state, and nothing acknowledged is lost.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FailoverTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_silos_conversations_serve_again_from_a_survivor_with_every_acknowledged_message()
    {
        await using var chat = await ChatCluster.StartAsync(postgres, "failover");
        var users = Enumerable.Range(0, 12).Select(i => $"user{i}").ToList();
        await chat.SignUpAsync([.. users]);
        // Enough conversations that some live on each silo.
        var conversations = new List<string>();
        for (var i = 0; i < users.Count; i += 2)
        {
            var view = await chat.Grains.GetGrain<IConversationGrain>(ConversationIds.Direct(users[i], users[i + 1])).OpenDirect(users[i], users[i + 1]);
            conversations.Add(view.ConversationId);
        }
        var acked = new Dictionary<string, List<long>>();
        foreach (var id in conversations)
        {
            var sender = id.Split(':')[1];
            acked[id] = [];
            for (var n = 0; n < 3; n++) acked[id].Add((await Send(chat, id, sender, $"before-{n}")).Seq);
        }

        var doomed = chat.Cluster.Silos[^1];
        var clock = Stopwatch.StartNew();
        await chat.Cluster.KillSiloAsync(doomed);
        // Every conversation answers again: the ones that lived on the dead silo once membership declared it dead.
        var answering = await Task.WhenAll(conversations.Select(id => RetryUntilAnsweredAsync(() => Send(chat, id, id.Split(':')[1], "after"))));
        output.WriteLine($"all {conversations.Count} conversations answered {clock.ElapsedMilliseconds} ms after the kill");

        foreach (var (id, result) in conversations.Zip(answering))
        {
            var reader = id.Split(':')[2];
            var history = await chat.Grains.GetGrain<IConversationGrain>(id).History(reader, 0, 50);
            // Gap-free, in order, each acknowledged message exactly once, and the first send after the kill continues the seq.
            Assert.Equal(Enumerable.Range(1, history.Count).Select(s => (long)s), history.Select(m => m.Seq));
            Assert.Equal(acked[id], history.Where(m => m.Text!.StartsWith("before-", StringComparison.Ordinal)).Select(m => m.Seq));
            Assert.Equal(history[^1].Seq, result.Seq);
        }
        // Profiles written before the kill are read back from PostgreSQL wherever the user grains now live.
        foreach (var user in users) Assert.Equal(user, (await chat.Grains.GetGrain<IUserGrain>(user).FindProfile())?.DisplayName);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"conversations answered only after {clock.Elapsed}");
    }

    private static Task<SendResult> Send(ChatCluster chat, string conversationId, string sender, string text) =>
        chat.Grains.GetGrain<IConversationGrain>(conversationId).Send(sender, new SendCommand(conversationId, $"{sender}-{text}", MessageKinds.Text, text));

    /// <summary>A client retries a failed call with the same clientMsgId, as the protocol tells it to.</summary>
    private static async Task<T> RetryUntilAnsweredAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not ChatException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
