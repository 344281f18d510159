using Im.Orleans.Cluster.Tests.Grains;
using Im.Orleans.Hosting;
using Im.Orleans.TestKit.Cluster;

namespace Im.Orleans.Cluster.Tests;

/// <summary>Starts test clusters that know this assembly's grains and JSON types.</summary>
internal static class ClusterTestSetup
{
    public static Task<TestCluster> StartAsync(int silos, string? connectionString = null, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions
        {
            InitialSilos = silos,
            ConnectionString = connectionString,
            ConfigureSilo = Configure,
            ConfigureClient = Configure,
        };
        configure?.Invoke(options);
        return TestCluster.StartAsync(options);
    }

    private static void Configure(ISiloBuilder builder)
    {
        builder.AddApplicationPart(typeof(PlacedGrain).Assembly);
        builder.AddJsonTypeInfoResolver(ClusterTestJsonContext.Default);
    }
}
