using Im.Orleans.Grains.Messages;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Grains.Tests.Messages;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMessageStoreTests(PostgresServer server, ITestOutputHelper output) : MessageStoreConformanceTests(output)
{
    private string? _connectionString;

    protected override async Task<IMessageStore> CreateStoreAsync()
    {
        _connectionString = await server.CreateDatabaseAsync("messages_" + Guid.NewGuid().ToString("N")[..12]);
        var store = new PostgresMessageStore(_connectionString);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task Two_processes_racing_on_a_client_message_id_leave_no_seq_hole()
    {
        // Two silos' stores (two writers, two transactions) store the same clientMsgId at once; whichever wins, the
        // batch that holds it as a duplicate moves its later rows down.
        await using var other = new PostgresMessageStore(_connectionString!);
        await other.InitializeAsync(CancellationToken.None);
        for (var round = 0; round < 10; round++)
        {
            var id = $"race-{round}";
            var batch = Store.AppendAsync(id, [Msg(id, 1, "x1"), Msg(id, 2, "twice"), Msg(id, 3, "x2")]);
            var single = other.AppendAsync(id, [Msg(id, 100, "twice") with { MessageId = "other" }]);
            await Task.WhenAll(batch, single);
            var written = (await batch).Where(o => !o.Duplicate).Select(o => o.Stored.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, written.Count).Select(i => (long)i), written);
            Assert.Equal(written, (await Store.ReadAfterAsync(id, 0, 10)).Where(m => m.Seq < 100).Select(m => m.Seq));
            Assert.Single(await Store.FindByClientMsgIdsAsync(id, ["twice"]));
        }
    }
}
