using Im.Orleans.Catalog;
using Im.Orleans.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Hosting;

/// <summary>The silo's life: run start-up tasks, then serve; on stop, deactivate every grain gracefully.</summary>
public sealed class Silo : IHostedService
{
    private readonly IEnumerable<IStartupTask> _startupTasks;
    private readonly GrainCatalog _catalog;
    private readonly ActivationCollector _collector;
    private readonly ResponseTracker _tracker;
    private readonly ILogger<Silo> _logger;

    internal Silo(IEnumerable<IStartupTask> startupTasks, GrainCatalog catalog, ActivationCollector collector, ResponseTracker tracker, ILogger<Silo> logger)
    {
        _startupTasks = startupTasks;
        _catalog = catalog;
        _collector = collector;
        _tracker = tracker;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var task in _startupTasks) await task.Execute(cancellationToken);
        _tracker.Start();
        _collector.Start();
        _logger.LogInformation("Silo started");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _collector.Dispose();
        await _catalog.DeactivateAllAsync(cancellationToken);
        _tracker.Dispose();
        _logger.LogInformation("Silo stopped");
    }
}
