using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Options;
using Im.Orleans.Hosting;
using Im.Orleans.TestKit.Cluster;
using Im.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Grains.Tests;

/// <summary>A TestCluster running the chat grains on a fresh PostgreSQL database (state, membership and message log).</summary>
internal static class ChatTestCluster
{
    public static async Task<TestCluster> StartAsync(PostgresServer postgres, string databasePrefix, int silos = 2)
    {
        var database = await postgres.CreateDatabaseAsync($"{databasePrefix}_{Guid.NewGuid():N}"[..24]);
        return await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilos = silos,
            ConnectionString = database,
            ConfigureSilo = silo =>
            {
                silo.AddChatGrains();
                silo.Services.PostConfigure<MessageStoreOptions>(o => o.PostgresConnectionString = database);
                silo.AddApplicationPart(typeof(IUserGrain).Assembly).AddApplicationPart(typeof(ChatGrainsHostingExtensions).Assembly);
            },
            ConfigureClient = client => client.AddJsonTypeInfoResolver(ChatJsonContext.Default).AddApplicationPart(typeof(IUserGrain).Assembly),
        });
    }
}
