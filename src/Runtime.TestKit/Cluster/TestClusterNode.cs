using Im.Orleans.Catalog;
using Im.Orleans.Hosting;
using Im.Orleans.Membership;
using Im.Orleans.Networking;
using Im.Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Im.Orleans.TestKit.Cluster;

/// <summary>One silo or client of a <see cref="TestCluster"/>: its own host, services and grain factory.</summary>
public sealed class TestClusterNode : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    internal TestClusterNode(string name, IHost host)
    {
        Name = name;
        _host = host;
    }

    public string Name { get; }

    public string NodeId => Services.GetRequiredService<LocalNodeInfo>().NodeId;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    public IClusterMembershipService Membership => Services.GetRequiredService<IClusterMembershipService>();

    public bool IsRunning => !_stopped;

    /// <summary>Grain ids activated here, observers excluded.</summary>
    public IReadOnlyList<GrainId> ActiveGrains => [.. Services.GetRequiredService<GrainCatalog>().Activations
        .Where(a => !a.ClassInfo.IsLocalObject && a.Status == ActivationStatus.Valid).Select(a => a.GrainId)];

    /// <summary>An observer object in this node that records the calls grains make on it.</summary>
    public ObserverCapture<T> CaptureObserver<T>() where T : class, IGrainObserver => new(GrainFactory);

    internal Task StartAsync() => _host.StartAsync();

    /// <summary>Graceful stop: ShuttingDown, grains deactivated and their calls forwarded, then Dead.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync();
    }

    /// <summary>
    /// A crash as far as the others can tell: heartbeats stop and every connection drops, without leaving the
    /// membership table or deactivating anything. The others declare it dead: by votes once their dials are refused
    /// (unless votes are off), else after the death timeout.
    /// </summary>
    public async Task KillAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await Services.GetRequiredService<ClusterHealthMonitor>().DisposeAsync();
        await Services.GetRequiredService<MembershipAgent>().DisposeAsync();
        await Services.GetRequiredService<ConnectionManager>().DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped) await StopAsync();
        _host.Dispose();
    }

    public override string ToString() => $"{Name} ({NodeId})";
}
