using Im.Orleans.Grains;
using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Im.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Im.Orleans.Cluster.Tests;

/// <summary>
/// Silos of the chat on a fresh PostgreSQL database exactly as src/Silo configures them: ADO.NET clustering and grain
/// storage on our schema, the PostgreSQL message log, fast failure detection; the cluster's client plays a gateway.
/// The silos talk over the test kit's in-memory transport; everything else is what runs in production.
/// </summary>
internal sealed class ChatCluster : IAsyncDisposable
{
    private ChatCluster(InProcessTestCluster cluster, string database)
    {
        Cluster = cluster;
        Database = database;
    }

    public InProcessTestCluster Cluster { get; }

    public string Database { get; }

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<ChatCluster> StartAsync(PostgresServer postgres, string prefix, int silos = 2, Action<GatewayLivenessOptions>? gateways = null)
    {
        var database = await postgres.CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}"[..24]);
        await OrleansSchema.EnsurePostgresAsync(database, CancellationToken.None);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseChatClusteringInPostgres(database);
            silo.AddChatStateInPostgres(database);
            silo.AddChatGrains();
            silo.Services.PostConfigure<MessageStoreOptions>(o => o.PostgresConnectionString = database);
            silo.Services.Configure<ClusterMembershipOptions>(ClusterSettings.FastFailureDetection);
            if (gateways is not null) silo.Services.Configure(gateways);
        });
        builder.ConfigureClient(client => client.UseChatClusteringInPostgres(database));
        // The builder's options turn on the test kit's in-memory membership, which would replace ours; options built
        // here leave it off, so membership goes through the ADO.NET provider (the silos still talk in memory).
        var options = new InProcessTestClusterOptions
        {
            ClusterId = builder.Options.ClusterId,
            ServiceId = builder.Options.ServiceId,
            InitialSilosCount = (short)silos,
            InitializeClientOnDeploy = true,
            AssumeHomogenousSilosForTesting = true,
            ConfigureFileLogging = false,
        };
        options.SiloHostConfigurationDelegates.AddRange(builder.Options.SiloHostConfigurationDelegates);
        options.ClientHostConfigurationDelegates.AddRange(builder.Options.ClientHostConfigurationDelegates);
        var cluster = new InProcessTestCluster(options, builder.PortAllocator);
        await cluster.DeployAsync();
        return new ChatCluster(cluster, database);
    }

    public Task SignUpAsync(params string[] userIds) =>
        Task.WhenAll(userIds.Select(id => Grains.GetGrain<IUserGrain>(id).SetProfile(id, null, "user")));

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
