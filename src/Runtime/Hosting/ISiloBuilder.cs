using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Hosting;

/// <summary>Configures a silo: its services, storage providers and options.</summary>
public interface ISiloBuilder
{
    IServiceCollection Services { get; }

    /// <summary>The host's configuration, for binding options.</summary>
    IConfiguration Configuration { get; }
}
