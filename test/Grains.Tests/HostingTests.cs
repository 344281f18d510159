using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Im.Orleans.Hosting;
using Im.Orleans.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

public sealed class HostingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imorleans-chat-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task AddChatGrains_binds_the_chat_section_and_uses_sqlite_under_the_data_directory()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:MessageStore:DataDirectory"] = _directory,
            ["Chat:Conversations:MaxGroupMembers"] = "7",
            ["Chat:Users:ConnectionExpiry"] = "00:02:00",
        }).Build();
        await using var silo = new TestKitSilo(builder => builder.AddChatGrains(configuration));

        Assert.Equal(7, silo.ServiceProvider.GetRequiredService<IOptions<ConversationOptions>>().Value.MaxGroupMembers);
        Assert.Equal(TimeSpan.FromMinutes(2), silo.ServiceProvider.GetRequiredService<IOptions<UserOptions>>().Value.ConnectionExpiry);
        Assert.IsType<SqliteMessageStore>(silo.ServiceProvider.GetRequiredService<IMessageStore>());
        Assert.True(File.Exists(Path.Combine(_directory, "messages.db")), "The schema is created at silo start.");

        // End to end through the SQLite log: concurrent sends are batched and land gap-free.
        var conversation = silo.GetGrain<IConversationGrain>("g:sqlite");
        await SignUpAsync(silo, "alice", "bob", "carol");
        await conversation.CreateGroup("alice", "SQLite", ["bob", "carol"]);
        var senders = new[] { "alice", "bob", "carol" };
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => conversation.Send(senders[i % 3], Text("g:sqlite", $"s{i}"))));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), results.Select(r => r.Seq).Order());
        var page = await conversation.Since("bob", 0, 200);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), page.Messages.Select(m => m.Seq));
        Assert.True((await conversation.Send("alice", Text("g:sqlite", "s0"))).Duplicate);
    }

    [Fact]
    public async Task A_postgres_connection_string_selects_the_postgres_store()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:MessageStore:PostgresConnectionString"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=1",
        }).Build();
        var services = new ServiceCollection();
        services.AddOrleans(configuration, silo => silo.AddChatGrains());
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<PostgresMessageStore>(provider.GetRequiredService<IMessageStore>());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
