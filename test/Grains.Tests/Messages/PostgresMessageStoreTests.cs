using Im.Orleans.Grains.Messages;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Grains.Tests.Messages;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMessageStoreTests(PostgresServer server, ITestOutputHelper output) : MessageStoreConformanceTests(output)
{
    protected override async Task<IMessageStore> CreateStoreAsync()
    {
        var connectionString = await server.CreateDatabaseAsync("messages_" + Guid.NewGuid().ToString("N")[..12]);
        var store = new PostgresMessageStore(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
