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

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Search_finds_listed_users_by_name_word_or_id_prefix_and_never_guests_or_the_caller(string kind)
    {
        var directory = await CreateAsync(kind);
        await directory.RecordAsync(new UserProfile("ann_1", "Ann-Marie Öberg", "/api/files/a", "user"));
        await directory.RecordAsync(new UserProfile("bob", "Bob Annson", null, "user"));
        await directory.RecordAsync(new UserProfile("annex", "Quiet", null, "user"), listed: false);
        await directory.RecordAsync(new UserProfile("guest-1", "Ann Guest", null, "guest"), listed: true);
        await directory.RecordAsync(new UserProfile("me", "Ann Me", null, "user"));

        Assert.Equal(["ann_1", "bob"], (await directory.SearchAsync("ANN", "me", 20)).Select(p => p.UserId));
        Assert.Equal(["bob"], (await directory.SearchAsync("annson", "me", 20)).Select(p => p.UserId));
        Assert.Equal(["ann_1"], (await directory.SearchAsync("öberg", "me", 20)).Select(p => p.UserId));
        Assert.Equal(["ann_1"], (await directory.SearchAsync("marie", "me", 20)).Select(p => p.UserId));
        // "_" is no wildcard in an id prefix.
        Assert.Empty(await directory.SearchAsync("ann_x", "me", 20));
        Assert.Equal(2, (await directory.SearchAsync("Ann", "nobody", 2)).Count);

        var profiles = await directory.FindProfilesAsync(["guest-1", "ghost", "ann_1"]);
        Assert.Equal(["ann_1", "guest-1"], profiles.Select(p => p.UserId).Order(StringComparer.Ordinal));
        Assert.Equal("/api/files/a", profiles.Single(p => p.UserId == "ann_1").AvatarUrl);
        Assert.False(profiles.Single(p => p.UserId == "guest-1").Listed);
        if (directory is IDisposable disposable) disposable.Dispose();
    }

    [Fact]
    public async Task A_sqlite_directory_from_before_the_search_gains_its_columns_and_keeps_its_users_listed()
    {
        var options = new MessageStoreOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "im-directory-" + Guid.NewGuid().ToString("N")) };
        Directory.CreateDirectory(options.DataDirectory);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={options.SqlitePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE user_directory (user_id TEXT NOT NULL PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL) WITHOUT ROWID;
                INSERT INTO user_directory VALUES ('olduser', 'Old Timer', 'user'), ('guest-9', 'Old Guest', 'guest');
                """;
            command.ExecuteNonQuery();
        }

        var directory = new SqliteUserDirectory(options);
        await directory.InitializeAsync(CancellationToken.None);

        Assert.Equal(["olduser"], (await directory.SearchAsync("timer", "me", 20)).Select(p => p.UserId));
        Assert.Empty(await directory.SearchAsync("guest", "me", 20));
    }
}
