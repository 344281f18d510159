using Im.Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Runtime.Benchmarks;

/// <summary>A silo hosted in this process, as the brief describes: memory storage, started by hand.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Silo _silo;

    private BenchSilo(ServiceProvider services)
    {
        _services = services;
        _silo = services.GetRequiredService<Silo>();
        Factory = services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Factory { get; }

    public static async Task<BenchSilo> StartAsync(Action<ISiloBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddOrleans(configure: silo =>
        {
            silo.AddMemoryGrainStorageAsDefault();
            configure?.Invoke(silo);
        });
        var silo = new BenchSilo(services.BuildServiceProvider());
        await silo._silo.StartAsync(default);
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.StopAsync(default);
        await _services.DisposeAsync();
    }
}
