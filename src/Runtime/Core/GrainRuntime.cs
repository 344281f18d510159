using Im.Orleans.Catalog;
using Im.Orleans.Configuration;
using Im.Orleans.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Runtime;

/// <summary>The services every activation shares, gathered once so an activation holds one pointer instead of many.</summary>
internal sealed class GrainRuntime
{
    private GrainCatalog? _catalog;
    private IGrainFactory? _grainFactory;
    private IMessageRouter? _router;

    public GrainRuntime(IServiceProvider services, TimeProvider time, IOptions<GrainCollectionOptions> collectionOptions, ILogger<GrainRuntime> logger, IEnumerable<IIncomingGrainCallFilter> filters)
    {
        ServiceProvider = services;
        Time = time;
        CollectionOptions = collectionOptions.Value;
        Logger = logger;
        Filters = [.. filters];
    }

    public IServiceProvider ServiceProvider { get; }

    public TimeProvider Time { get; }

    public GrainCollectionOptions CollectionOptions { get; }

    public ILogger Logger { get; }

    public IIncomingGrainCallFilter[] Filters { get; }

    // Resolved lazily: the catalog and the factory both depend on this object.
    public GrainCatalog Catalog => _catalog ??= ServiceProvider.GetRequiredService<GrainCatalog>();

    public IGrainFactory GrainFactory => _grainFactory ??= ServiceProvider.GetRequiredService<IGrainFactory>();

    public IMessageRouter Router => _router ??= ServiceProvider.GetRequiredService<IMessageRouter>();
}
