using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>AddChatGrains as a host uses it: options bound from the silo's configuration and the message store it selects.</summary>
public sealed class HostingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imorleans-chat-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task AddChatGrains_binds_the_chat_section_and_uses_sqlite_under_the_data_directory()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chat:MessageStore:DataDirectory"] = _directory,
            ["Chat:Conversations:MaxGroupMembers"] = "7",
            ["Chat:Users:ConnectionExpiry"] = "00:02:00",
        };
        var builder = new InProcessTestClusterBuilder(1);
        // The settings go into the silo host's configuration: AddChatGrains() reads the silo's own by default.
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddChatGrains();
            silo.AddMemoryGrainStorageAsDefault();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var services = cluster.GetSiloServiceProvider();

        Assert.Equal(7, services.GetRequiredService<IOptions<ConversationOptions>>().Value.MaxGroupMembers);
        Assert.Equal(TimeSpan.FromMinutes(2), services.GetRequiredService<IOptions<UserOptions>>().Value.ConnectionExpiry);
        Assert.IsType<SqliteMessageStore>(services.GetRequiredService<IMessageStore>());
        Assert.True(File.Exists(Path.Combine(_directory, "messages.db")), "The schema is created at silo start.");

        // End to end through the SQLite log: concurrent sends are batched and land gap-free.
        var conversation = cluster.Client.GetGrain<IConversationGrain>("g:sqlite");
        await SignUpAsync(cluster.Client, "alice", "bob", "carol");
        await conversation.CreateGroup("alice", "SQLite", ["bob", "carol"]);
        var senders = new[] { "alice", "bob", "carol" };
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => conversation.Send(senders[i % 3], Text("g:sqlite", $"s{i}"))));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), results.Select(r => r.Seq).Order());
        var page = await conversation.Since("bob", 0, 200);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), page.Messages.Select(m => m.Seq));
        Assert.True((await conversation.Send("alice", Text("g:sqlite", "s0"))).Duplicate);
    }

    [Fact]
    public void A_postgres_connection_string_selects_the_postgres_store()
    {
        // A host is built but never started: choosing the store must not need the database.
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:MessageStore:PostgresConnectionString"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=1",
        });
        builder.UseOrleans(silo => silo.AddChatGrains());
        using var host = builder.Build();
        Assert.IsType<PostgresMessageStore>(host.Services.GetRequiredService<IMessageStore>());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
