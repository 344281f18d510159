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
        Assert.Equal([1L, 2], (await Store.ReadAfterAsync("c2", 0, 10)).Select(m => m.Seq));
        Assert.Equal(1, (await Store.FindByClientMsgIdAsync("c2", "same"))!.Seq);
        Assert.Null(await Store.FindByClientMsgIdAsync("c2", "nope"));
        Assert.Equal([1L, 2], (await Store.FindByClientMsgIdsAsync("c2", ["fresh", "same", "nope"])).Select(m => m.Seq));
        // The same client id in another conversation is another message.
        Assert.False((await Store.AppendAsync("c2b", [Msg("c2b", 1, "same")]))[0].Duplicate);
    }

    [Fact]
    public async Task A_stored_client_message_id_in_a_batch_leaves_no_seq_hole()
    {
        // Issue 12 defect 1: the rows after a duplicate take the next free seqs, so the log stays 1, 2, 3, ...
        await Store.AppendAsync("gap", [Msg("gap", 1, "first")]);
        var outcomes = await Store.AppendAsync("gap", [Msg("gap", 2, "a"), Msg("gap", 3, "first"), Msg("gap", 4, "b"), Msg("gap", 5, "c")]);
        Assert.Equal([false, true, false, false], outcomes.Select(o => o.Duplicate));
        Assert.Equal([2L, 1, 3, 4], outcomes.Select(o => o.Stored.Seq));
        Assert.Equal("text 4", outcomes[2].Stored.Text);
        var stored = await Store.ReadAfterAsync("gap", 0, 10);
        Assert.Equal([1L, 2, 3, 4], stored.Select(m => m.Seq));
        Assert.Equal(["first", "a", "b", "c"], stored.Select(m => m.ClientMsgId));
        Assert.Equal(4, await Store.GetLastSeqAsync("gap"));
        // The next batch continues right after it.
        Assert.Equal(5, (await Store.AppendAsync("gap", [Msg("gap", 5, "d")])).Single().Stored.Seq);
    }

    [Fact]
    public async Task A_batch_of_only_stored_client_message_ids_stores_nothing()
    {
        await Store.AppendAsync("dups", [Msg("dups", 1, "x"), Msg("dups", 2, "y")]);
        var outcomes = await Store.AppendAsync("dups", [Msg("dups", 3, "y"), Msg("dups", 4, "x")]);
        Assert.All(outcomes, o => Assert.True(o.Duplicate));
        Assert.Equal([2L, 1], outcomes.Select(o => o.Stored.Seq));
        Assert.Equal(2, await Store.GetLastSeqAsync("dups"));
    }

    [Fact]
    public async Task Edits_reactions_system_notes_and_hidden_seqs_are_stored()
    {
        var note = new SystemNote(SystemActions.Renamed, "alice", [], Title: "New");
        await Store.AppendAsync("e1", [Msg("e1", 1), Msg("e1", 2) with { Kind = MessageKinds.System, Text = null, System = note }]);
        var editedAt = Start.AddMinutes(1);
        Assert.True(await Store.EditAsync("e1", 1, "changed", editedAt));
        Assert.False(await Store.EditAsync("e1", 9, "x", editedAt));
        IReadOnlyDictionary<string, IReadOnlyList<string>> reactions = new Dictionary<string, IReadOnlyList<string>> { ["👍"] = ["bob", "alice"] };
        Assert.True(await Store.SetReactionsAsync("e1", 1, reactions));

        var stored = await Store.ReadAfterAsync("e1", 0, 10);
        Assert.Equal(("changed", editedAt), (stored[0].Text, stored[0].EditedAt));
        Assert.Equal(["bob", "alice"], stored[0].Reactions!["👍"]);
        Assert.Equal(note.Action, stored[1].System!.Action);
        Assert.Equal("New", stored[1].System!.Title);
        // System messages are never unread.
        Assert.Equal(1, await Store.CountFromOthersAsync("e1", "bob", 0));

        Assert.True(await Store.SetReactionsAsync("e1", 1, null));
        Assert.Null((await Store.ReadAfterAsync("e1", 0, 1)).Single().Reactions);

        await Store.HideAsync("e1", "bob", [2, 1]);
        await Store.HideAsync("e1", "bob", [1]);
        Assert.Equal([1L, 2], await Store.HiddenAsync("e1", "bob"));
        Assert.Empty(await Store.HiddenAsync("e1", "alice"));
    }

    [Fact]
    public async Task A_taken_seq_fails_the_whole_append()
    {
        await Store.AppendAsync("c3", [Msg("c3", 1)]);
        await Assert.ThrowsAnyAsync<Exception>(() => Store.AppendAsync("c3", [Msg("c3", 2), Msg("c3", 1, "another")]));
        Assert.Equal([1L], (await Store.ReadAfterAsync("c3", 0, 10)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Concurrent_appends_of_many_conversations_are_all_stored()
    {
        // Many conversations at once, each with several batches in order, as their grains flush them under load.
        var conversations = Enumerable.Range(1, 40).Select(i => $"many-{i}").ToList();
        var appends = conversations.Select(async id =>
        {
            for (var b = 0; b < 3; b++)
            {
                var outcomes = await Store.AppendAsync(id, [Msg(id, b * 2 + 1), Msg(id, b * 2 + 2)]);
                Assert.All(outcomes, o => Assert.False(o.Duplicate));
            }
        });
        await Task.WhenAll(appends);
        foreach (var id in conversations)
        {
            Assert.Equal([1L, 2, 3, 4, 5, 6], (await Store.ReadAfterAsync(id, 0, 10)).Select(m => m.Seq));
            Assert.Equal(6, await Store.GetLastSeqAsync(id));
        }
    }

    [Fact]
    public async Task A_taken_seq_fails_only_its_own_conversation_among_concurrent_appends()
    {
        await Store.AppendAsync("taken", [Msg("taken", 1)]);
        var others = Enumerable.Range(1, 20).Select(i => Store.AppendAsync($"fine-{i}", [Msg($"fine-{i}", 1)])).ToList();
        var stale = Store.AppendAsync("taken", [Msg("taken", 2), Msg("taken", 1, "stale")]);
        await Assert.ThrowsAnyAsync<Exception>(() => stale);
        await Task.WhenAll(others);
        for (var i = 1; i <= 20; i++) Assert.Equal(1, await Store.GetLastSeqAsync($"fine-{i}"));
        Assert.Equal([1L], (await Store.ReadAfterAsync("taken", 0, 10)).Select(m => m.Seq));
    }

    [Fact]
    public async Task The_same_client_message_id_in_concurrent_batches_is_stored_once()
    {
        // Two writers of one conversation (a stale activation and a new one) race with the same clientMsgId.
        var first = Store.AppendAsync("race", [Msg("race", 1, "twice")]);
        var second = Store.AppendAsync("race", [Msg("race", 2, "twice") with { MessageId = "other" }]);
        var outcomes = (await Task.WhenAll(first, second)).Select(o => o.Single()).ToList();
        Assert.Single(outcomes, o => !o.Duplicate);
        var stored = outcomes.Single(o => !o.Duplicate).Stored;
        Assert.All(outcomes, o => Assert.Equal(stored, o.Stored));
        Assert.Equal([stored], await Store.ReadAfterAsync("race", 0, 10));
    }

    [Fact]
    public async Task An_append_cancelled_before_it_starts_stores_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync("cancelled", [Msg("cancelled", 1)], cancelled.Token));
        Assert.Equal(0, await Store.GetLastSeqAsync("cancelled"));
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
