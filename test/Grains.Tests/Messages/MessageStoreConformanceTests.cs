using System.Diagnostics;
using Im.Orleans.Grains.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Grains.Tests.Messages;

/// <summary>The contract every message store keeps; run against each implementation by a derived class.</summary>
public abstract class MessageStoreConformanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IMessageStore? _store;

    protected IMessageStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    protected abstract Task<IMessageStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    protected static Message Msg(string conversationId, long seq, string? clientMsgId = null, string sender = "alice", Attachment? attachment = null) =>
        new(conversationId, seq, $"id-{seq}", clientMsgId ?? $"c-{seq}", sender, attachment is null ? MessageKinds.Text : MessageKinds.Image,
            attachment is null ? $"text {seq}" : null, attachment, Start.AddSeconds(seq), ReplyToSeq: seq > 1 ? seq - 1 : null);

    [Fact]
    public async Task Appended_messages_read_back_exactly_in_seq_order()
    {
        var attachment = new Attachment("f1", "cat.png", "image/png", 1234);
        var messages = new[] { Msg("c1", 1), Msg("c1", 2, attachment: attachment), Msg("c1", 3) };
        var outcomes = await Store.AppendAsync("c1", messages);
        Assert.All(outcomes, o => Assert.False(o.Duplicate));
        Assert.Equal(messages, await Store.ReadAfterAsync("c1", 0, 10));
        Assert.Equal(messages[1..], await Store.ReadAfterAsync("c1", 1, 10));
        Assert.Equal(messages[..2], await Store.ReadAfterAsync("c1", 0, 2));
        Assert.Equal(messages[1..], await Store.ReadBeforeAsync("c1", 4, 2));
        Assert.Equal(messages[..1], await Store.ReadBeforeAsync("c1", 2, 10));
        Assert.Empty(await Store.ReadAfterAsync("other", 0, 10));
        Assert.Equal(3, await Store.GetLastSeqAsync("c1"));
        Assert.Equal(0, await Store.GetLastSeqAsync("other"));
    }

    [Fact]
    public async Task A_stored_client_message_id_returns_the_stored_message_instead_of_inserting()
    {
        await Store.AppendAsync("c2", [Msg("c2", 1, "same")]);
        var retry = Msg("c2", 2, "same") with { MessageId = "other" };
        var outcomes = await Store.AppendAsync("c2", [retry, Msg("c2", 3, "fresh")]);
        Assert.True(outcomes[0].Duplicate);
        Assert.Equal(Msg("c2", 1, "same"), outcomes[0].Stored);
        Assert.False(outcomes[1].Duplicate);
        Assert.Equal([1L, 3], (await Store.ReadAfterAsync("c2", 0, 10)).Select(m => m.Seq));
        Assert.Equal(1, (await Store.FindByClientMsgIdAsync("c2", "same"))!.Seq);
        Assert.Null(await Store.FindByClientMsgIdAsync("c2", "nope"));
        Assert.Equal([1L, 3], (await Store.FindByClientMsgIdsAsync("c2", ["fresh", "same", "nope"])).Select(m => m.Seq));
        // The same client id in another conversation is another message.
        Assert.False((await Store.AppendAsync("c2b", [Msg("c2b", 1, "same")]))[0].Duplicate);
    }

    [Fact]
    public async Task A_taken_seq_fails_the_whole_append()
    {
        await Store.AppendAsync("c3", [Msg("c3", 1)]);
        await Assert.ThrowsAnyAsync<Exception>(() => Store.AppendAsync("c3", [Msg("c3", 2), Msg("c3", 1, "another")]));
        Assert.Equal([1L], (await Store.ReadAfterAsync("c3", 0, 10)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Recall_and_counting_from_others()
    {
        await Store.AppendAsync("c4", [Msg("c4", 1, sender: "alice"), Msg("c4", 2, sender: "bob"), Msg("c4", 3, sender: "alice"), Msg("c4", 4, sender: "carol")]);
        Assert.True(await Store.MarkRecalledAsync("c4", 2));
        Assert.False(await Store.MarkRecalledAsync("c4", 9));
        Assert.True((await Store.ReadAfterAsync("c4", 1, 1)).Single().Recalled);
        Assert.Equal(2, await Store.CountFromOthersAsync("c4", "alice", 0));
        Assert.Equal(1, await Store.CountFromOthersAsync("c4", "alice", 2));
        Assert.Equal(1, await Store.CountFromOthersAsync("c4", "alice", 0, 3));
        Assert.Equal(3, await Store.CountFromOthersAsync("c4", "dave", 1));
    }

    [Fact]
    public async Task Append_throughput()
    {
        // A measurement for the report, not an assertion: batches of 50, like a busy conversation's flushes.
        const int batches = 40, batchSize = 50;
        var watch = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
            await Store.AppendAsync("bench", [.. Enumerable.Range(b * batchSize + 1, batchSize).Select(seq => Msg("bench", seq))]);
        var batched = batches * batchSize / watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var seq = 1; seq <= 500; seq++) await Store.AppendAsync("single", [Msg("single", seq)]);
        var single = 500 / watch.Elapsed.TotalSeconds;
        output.WriteLine($"{GetType().Name}: {batched:F0} msg/s in batches of {batchSize}, {single:F0} msg/s one per append");
        Assert.Equal(batches * batchSize, await Store.GetLastSeqAsync("bench"));
    }
}
