using System.Globalization;
using Im.Orleans.Configuration;
using Im.Orleans.Hosting;
using Im.Orleans.Membership;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.TestKit.Cluster;

/// <summary>
/// N silos and a client in one test process on loopback ports, each with its own host and services, talking over
/// real TCP connections and sharing one membership table (what Orleans' TestingHost is). Membership timings are
/// short so deaths and joins take a couple of seconds.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private const int MinThreadsPerNode = 8;
    private readonly TestClusterOptions _options;
    private readonly InMemoryMembershipTable? _sharedTable;
    private readonly List<TestClusterNode> _silos = [];
    private readonly List<TestClusterNode> _extraClients = [];
    private int _siloSerial;

    private TestCluster(TestClusterOptions options)
    {
        _options = options;
        if (options.ConnectionString is null) _sharedTable = new InMemoryMembershipTable(TimeProvider.System);
    }

    public IReadOnlyList<TestClusterNode> Silos => _silos;

    public TestClusterOptions Options => _options;

    public TestClusterNode Client { get; private set; } = null!;

    public IGrainFactory GrainFactory => Client.GrainFactory;

    public static async Task<TestCluster> StartAsync(TestClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Every node of the cluster shares this process's thread pool, which grows slowly once busy; starting several
        // hosts at once on a loaded machine could then hold heartbeats back long enough to look like deaths.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreadsPerNode * (options.InitialSilos + 1)), io);
        var cluster = new TestCluster(options);
        try
        {
            for (var i = 0; i < options.InitialSilos; i++) await cluster.StartSiloAsync();
            cluster.Client = await cluster.StartNodeAsync("client", NodeRole.Gateway);
            await cluster.WaitForActiveSilosAsync(options.InitialSilos);
            // The client joins last; a silo that has not refreshed since would not know it yet.
            await cluster.WaitForStatusAsync(cluster.Client.NodeId, SiloStatus.Active);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo; it joins and takes its share of the grains.</summary>
    public async Task<TestClusterNode> StartSiloAsync()
    {
        var silo = await StartNodeAsync($"silo{++_siloSerial}", NodeRole.Silo);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Starts another client (a second gateway), e.g. to kill it while the first one watches; returns once every silo and the first client see it.</summary>
    public async Task<TestClusterNode> StartClientAsync()
    {
        var client = await StartNodeAsync($"client{_extraClients.Count + 2}", NodeRole.Gateway);
        _extraClients.Add(client);
        await WaitForStatusAsync(client.NodeId, SiloStatus.Active);
        return client;
    }

    /// <summary>Waits until every running node sees exactly the running silos as active (and nothing else).</summary>
    public async Task WaitForActiveSilosAsync(int? count = null, TimeSpan? timeout = null)
    {
        var running = _silos.Where(s => s.IsRunning).ToList();
        var expected = running.Select(s => s.NodeId).Order(StringComparer.Ordinal).ToArray();
        if (count is { } c && c != expected.Length) throw new InvalidOperationException($"{expected.Length} silos run, not {c}.");
        var nodes = running.Append(Client).Where(n => n is not null && n.IsRunning).ToList();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!nodes.All(n => n.Membership.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId).SequenceEqual(expected)))
        {
            if (cancel.IsCancellationRequested)
                throw new TimeoutException($"The views did not converge on [{string.Join(", ", expected)}]: {string.Join("; ", nodes.Select(n => $"{n.Name}: {n.Membership.CurrentSnapshot}"))}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Waits until every running node's view gives <paramref name="nodeId"/> the status <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string nodeId, SiloStatus status, TimeSpan? timeout = null)
    {
        var nodes = _silos.Append(Client).Where(n => n.IsRunning && n.NodeId != nodeId).ToList();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!nodes.All(n => n.Membership.CurrentSnapshot.GetStatus(nodeId) == status))
        {
            if (cancel.IsCancellationRequested)
                throw new TimeoutException($"Not every view shows {nodeId} as {status}: {string.Join("; ", nodes.Select(n => $"{n.Name}: {n.Membership.CurrentSnapshot}"))}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>The silo that activated the grain, or null when none has.</summary>
    public TestClusterNode? FindActivation(GrainId grain) => _silos.FirstOrDefault(s => s.IsRunning && s.ActiveGrains.Contains(grain));

    private async Task<TestClusterNode> StartNodeAsync(string name, NodeRole role)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:ConnectionString"] = _options.ConnectionString,
            ["Cluster:ClusterId"] = _options.ClusterId,
            ["Cluster:Port"] = "0",
            ["Cluster:ListenHost"] = "127.0.0.1",
            ["Cluster:AdvertisedHost"] = "127.0.0.1",
            ["Orleans:Membership:IAmAlivePeriod"] = _options.IAmAlivePeriod.ToString(),
            ["Orleans:Membership:RefreshPeriod"] = _options.RefreshPeriod.ToString(),
            ["Orleans:Membership:DeathTimeout"] = _options.DeathTimeout.ToString(),
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = _options.NumVotesForDeathDeclaration.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Messaging:ResponseTimeout"] = _options.ResponseTimeout.ToString(),
        });
        builder.Logging.AddFilter(level => level >= LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        if (_sharedTable is not null) builder.Services.AddSingleton<IMembershipTable>(_sharedTable);

        void Configure(ISiloBuilder silo)
        {
            if (role == NodeRole.Silo)
            {
                if (_options.ConnectionString is { } connectionString) silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = connectionString);
                else silo.AddMemoryGrainStorageAsDefault();
                _options.ConfigureSilo?.Invoke(silo);
            }
            else
            {
                _options.ConfigureClient?.Invoke(silo);
            }
        }

        if (role == NodeRole.Silo) builder.UseOrleans(silo => Configure(silo.UseClustering()));
        else builder.UseOrleansClient(Configure);

        var node = new TestClusterNode(name, builder.Build());
        await node.StartAsync();
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null) await Client.DisposeAsync();
        foreach (var client in _extraClients) await client.DisposeAsync();
        foreach (var silo in _silos) await silo.DisposeAsync();
    }
}
