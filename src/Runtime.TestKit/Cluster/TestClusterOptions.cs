using Im.Orleans.Hosting;

namespace Im.Orleans.TestKit.Cluster;

/// <summary>How a <see cref="TestCluster"/> is built: how many silos, where membership and state live, fast timings.</summary>
public sealed class TestClusterOptions
{
    public int InitialSilos { get; set; } = 2;

    /// <summary>
    /// PostgreSQL for the membership table and grain state (as in production). Without it the nodes share an
    /// in-memory membership table and each silo keeps state in its own memory, so state does not survive a move.
    /// </summary>
    public string? ConnectionString { get; set; }

    public string ClusterId { get; set; } = $"test-{Guid.NewGuid():N}"[..13];

    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Nodes that must fail to reach a crashed silo to declare it dead before the timeout; 0 leaves it to the timeout.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Adds grains (application parts), JSON contexts and services to every silo.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Adds application parts and JSON contexts to the client.</summary>
    public Action<ISiloBuilder>? ConfigureClient { get; set; }
}
