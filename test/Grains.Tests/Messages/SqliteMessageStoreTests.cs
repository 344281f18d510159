using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Xunit.Abstractions;

namespace Im.Orleans.Grains.Tests.Messages;

public sealed class SqliteMessageStoreTests(ITestOutputHelper output) : MessageStoreConformanceTests(output)
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imorleans-messages-" + Guid.NewGuid().ToString("N")[..12]);

    protected override async Task<IMessageStore> CreateStoreAsync()
    {
        var store = new SqliteMessageStore(new MessageStoreOptions { DataDirectory = _directory });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
