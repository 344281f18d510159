using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.People;
using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Grains.Tests.People;

/// <summary>Each user directory store records profiles idempotently and finds which of many ids exist in one query.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UserDirectoryTests(PostgresServer server)
{
    public static TheoryData<string> Stores => ["memory", "sqlite", "postgres"];

    private async Task<IUserDirectory> CreateAsync(string kind)
    {
        IUserDirectory directory = kind switch
        {
            "memory" => new MemoryUserDirectory(),
            "sqlite" => new SqliteUserDirectory(new MessageStoreOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "im-directory-" + Guid.NewGuid().ToString("N")) }),
            _ => new PostgresUserDirectory(await server.CreateDatabaseAsync("directory_" + Guid.NewGuid().ToString("N")[..12])),
        };
        await directory.InitializeAsync(CancellationToken.None);
        return directory;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Finds_exactly_the_recorded_ids_among_many(string kind)
    {
        var directory = await CreateAsync(kind);
        await directory.RecordAsync(new UserProfile("alice", "Alice", null, "user"));
        await directory.RecordAsync(new UserProfile("bob", "Bob", null, "guest"));
        await directory.RecordAsync(new UserProfile("alice", "Alice Again", null, "operator"));

        var asked = Enumerable.Range(0, 300).Select(i => $"ghost-{i}").Concat(["bob", "alice", "Alice"]).ToArray();
        var found = await directory.FindExistingAsync(asked);

        Assert.Equal(["alice", "bob"], found.Order(StringComparer.Ordinal));
        Assert.Empty(await directory.FindExistingAsync([]));
        if (directory is IDisposable disposable) disposable.Dispose();
    }
}
